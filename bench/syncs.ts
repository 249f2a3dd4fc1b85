// The campaign and daily performance syncs at scale, on PostgreSQL (issue 29):
//  1. BENCH_SYNC_CONNECTIONS (1,000) connections, each one account of 10 campaigns, first runs with
//     a 90-day backfill: wall time, Microsoft calls per connection, peak RSS of this process (the
//     server, both emulators and the driver share it: an upper bound for the server).
//  2. A year of daily performance for 1,000 campaigns (365,000 report rows) synced for one
//     connection: RSS growth while it streams.
//  3. BENCH_SYNC_ROWS (10,000,000) performance rows bulk-seeded with SQL, then `GET /records`
//     latency (p50/p99) for first pages, cursor pages and modified_after queries.
// Usage: npx tsx bench/syncs.ts   (BENCH_SYNC_PARTS=fleet,year,records to pick parts)
// Connections are made with one real connect each for the first, then copied in SQL (same tokens):
// the runs themselves go through the real server, client and emulators.

import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { CONNECT_SUCCESS } from "@ads-connect/shared";
import { connectAs, type Harness, startHarness } from "../packages/server/src/testing/harness.js";
import setupPostgres from "../packages/server/src/testing/postgresGlobalSetup.js";
import { decryptCredentials, encryptCredentials } from "../packages/server/src/tokens/storedCredentials.js";

// The server's own PostgreSQL driver, for the bulk seed (bench has no dependency of its own on it).
const require = createRequire(new URL("../packages/server/package.json", import.meta.url));
interface PgClient {
  on(event: "error", listener: () => void): void;
  connect(): Promise<void>;
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, string>[] }>;
  end(): Promise<void>;
}
const pg = require("pg") as { Client: new (options: { connectionString: string }) => PgClient };

const PARTS = new Set((process.env.BENCH_SYNC_PARTS ?? "fleet,year,records").split(","));
const CONNECTIONS = Number(process.env.BENCH_SYNC_CONNECTIONS ?? 1000);
const ROWS = Number(process.env.BENCH_SYNC_ROWS ?? 10_000_000);
const INSTANCES = Number(process.env.BENCH_SYNC_INSTANCES ?? 2);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

async function connect(h: Harness, username: string): Promise<string> {
  const { result } = await connectAs(h, username);
  if (result.type !== CONNECT_SUCCESS) throw new Error(`connect failed: ${JSON.stringify(result)}`);
  return result.connection_id;
}

/** Copies a connection (row, its tokens re-encrypted for the copy, accounts) `n` times; returns the new ids. */
async function cloneConnection(h: Harness, id: string, n: number, prefix: string): Promise<string[]> {
  const db = h.server.db;
  const { cipher } = h.server.services;
  const { id: _serial, ...row } = await db.selectFrom("connections").selectAll().where("connection_id", "=", id).executeTakeFirstOrThrow();
  const credentials = await decryptCredentials(cipher, row);
  const accounts = await db.selectFrom("ad_accounts").selectAll().where("connection_id", "=", id).execute();
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  for (let i = 0; i < ids.length; i += 200) {
    const batch = ids.slice(i, i + 200);
    const rows = await Promise.all(
      // One connection per end user and Microsoft user: each copy is another end user's.
      batch.map(async (cid) => ({ ...row, connection_id: cid, end_user_id: cid, credentials_enc: await encryptCredentials(cipher, cid, credentials) })),
    );
    await db.insertInto("connections").values(rows).execute();
    await db
      .insertInto("ad_accounts")
      .values(batch.flatMap((cid) => accounts.map((a) => ({ ...a, connection_id: cid }))))
      .execute();
  }
  return ids;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  const teardown = await setupPostgres();
  const h = await startHarness({
    database: "postgres",
    env: { SYNCS: "off", SYNC_BACKFILL_DAYS: "90", LOG_LEVEL: "warn" },
    ads: { reportPollsBeforeReady: 0 },
  });
  const lines: string[] = [`Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, PostgreSQL (throwaway cluster), shared machine.`];
  const log = (line: string) => {
    lines.push(line);
    console.log(line);
  };
  try {
    if (PARTS.has("fleet")) {
      const first = await connect(h, "tencampaigns@contoso.example");
      await cloneConnection(h, first, CONNECTIONS - 1, "fleet");
      const others = await Promise.all(Array.from({ length: INSTANCES - 1 }, () => h.startInstance({ SYNCS: "off", LOG_LEVEL: "warn" })));
      const calls = h.ads.callCount();
      const rssBefore = process.memoryUsage().rss;
      peakRss = rssBefore;
      const t0 = performance.now();
      const ran = await Promise.all([h.server.syncJob.runOnce(), ...others.map((o) => o.syncJob.runOnce())]);
      const seconds = (performance.now() - t0) / 1000;
      const runs = ran.reduce((a, b) => a + b, 0);
      const perConnection = (h.ads.callCount() - calls) / CONNECTIONS;
      const rows = await h.server.db
        .selectFrom("sync_records")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .executeTakeFirstOrThrow();
      log(
        `fleet: ${CONNECTIONS} connections × 10 campaigns × 90 days on ${INSTANCES} instances: ${runs} runs in ${seconds.toFixed(1)} s ` +
          `(${(runs / seconds).toFixed(1)} runs/s), ${Number(rows.n).toLocaleString("en")} records, ${perConnection.toFixed(2)} Microsoft calls per connection ` +
          `(QueryByAccountId, Submit, Poll, download), peak RSS ${mb(peakRss)} (${mb(rssBefore)} before the runs)`,
      );
      await Promise.all(others.map((o) => o.close()));
    }
    if (PARTS.has("year")) {
      const id = await connect(h, "bigreport@contoso.example");
      const year = await h.startInstance({ SYNCS: "off", SYNC_BACKFILL_DAYS: "365", LOG_LEVEL: "warn" });
      await h.api("POST", "/sync/pause", { provider_config_key: "microsoft-ads", connection_id: id, syncs: ["campaigns"] });
      // Only this connection is due.
      await h.server.db
        .updateTable("sync_schedules")
        .set({ due_at: Date.now() + 86_400_000 })
        .where("connection_id", "!=", id)
        .execute();
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      peakRss = rssBefore;
      const t0 = performance.now();
      await year.syncJob.runOnce();
      const seconds = (performance.now() - t0) / 1000;
      const rows = await h.server.db
        .selectFrom("sync_records")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("connection_id", "=", id)
        .executeTakeFirstOrThrow();
      log(
        `year: 365 days × 1,000 campaigns for one connection: ${Number(rows.n).toLocaleString("en")} records in ${seconds.toFixed(1)} s, RSS ${mb(rssBefore)} before, peak ${mb(peakRss)} (+${mb(peakRss - rssBefore)}; the emulator making the ZIP runs in this process too)`,
      );
      await year.close();
    }
    if (PARTS.has("records")) {
      const url = h.server.config.databaseUrl!;
      const client = new pg.Client({ connectionString: url });
      client.on("error", () => {});
      await client.connect();
      const connections = 1000;
      const perConnection = Math.ceil(ROWS / connections);
      const anyConnection = (await h.server.db.selectFrom("connections").select("connection_id").executeTakeFirst()) ?? {
        connection_id: await connect(h, "adele@contoso.example"),
      };
      const t0 = performance.now();
      // Records hang off connections (foreign key): the seeded ones belong to copies of one.
      const seeded = await cloneConnection(h, anyConnection.connection_id, connections, "seeded");
      // Bulk seed without WAL: a throwaway cluster.
      await client.query("ALTER TABLE sync_records SET UNLOGGED");
      for (const [i, cid] of seeded.entries()) {
        await client.query(
          `INSERT INTO sync_records (connection_id, model, record_id, account_id, record_date, data, data_hash, first_seen_at, last_modified_at, last_action, deleted_at, cursor)
           SELECT $1, 'CampaignPerformanceDaily', '180278106:' || (400000000000 + g / 1095) || ':' || to_char(date '2024-01-01' + (g % 1095), 'YYYY-MM-DD'), '180278106',
                  to_char(date '2024-01-01' + (g % 1095), 'YYYY-MM-DD'),
                  json_build_object('id', '180278106:' || (400000000000 + g / 1095) || ':' || to_char(date '2024-01-01' + (g % 1095), 'YYYY-MM-DD'),
                    'date', to_char(date '2024-01-01' + (g % 1095), 'YYYY-MM-DD'), 'account_id', '180278106', 'campaign_id', (400000000000 + g / 1095)::text,
                    'impressions', 1000 + g % 500, 'clicks', 10 + g % 50, 'spend', ((g % 9000) / 100.0)::numeric(10,2)::text, 'conversions', (g % 7)::text,
                    'revenue', ((g % 20000) / 100.0)::numeric(10,2)::text, 'currency', 'USD')::text,
                  md5(g::text), 1700000000000 + g, 1700000000000 + g, 'ADDED', NULL, g
           FROM generate_series(1, $2) AS g`,
          [cid, perConnection],
        );
        if (i % 100 === 99) console.log(`seeded ${((i + 1) * perConnection).toLocaleString("en")} rows`);
      }
      // Left unlogged (reads are the same; rewriting 10 million rows into the WAL would double the seed).
      await client.query("ANALYZE sync_records");
      const seedSeconds = (performance.now() - t0) / 1000;
      const sizes = await client.query("SELECT pg_size_pretty(pg_total_relation_size('sync_records')) AS size");
      const times: Record<string, number[]> = { first: [], cursor: [], modified_after: [] };
      for (let i = 0; i < 600; i++) {
        const cid = seeded[(i * 37) % seeded.length]!;
        const kind = (["first", "cursor", "modified_after"] as const)[i % 3]!;
        const cursor = Buffer.from(`adsc:${1 + ((i * 7919) % (perConnection - 200))}`).toString("base64url");
        const query =
          kind === "first"
            ? ""
            : kind === "cursor"
              ? `&cursor=${cursor}`
              : `&modified_after=${new Date(1700000000000 + ((i * 7919) % perConnection)).toISOString()}`;
        const t = performance.now();
        const res = await h.api("GET", `/records?model=CampaignPerformanceDaily&limit=100${query}`, undefined, {
          "Connection-Id": cid,
          "Provider-Config-Key": "microsoft-ads",
        });
        times[kind]!.push(performance.now() - t);
        if (res.status !== 200) throw new Error(`records answered ${res.status}: ${res.text.slice(0, 200)}`);
      }
      const all = Object.values(times)
        .flat()
        .sort((a, b) => a - b);
      const stat = (list: number[]) => {
        const s = [...list].sort((a, b) => a - b);
        return `p50 ${percentile(s, 50).toFixed(2)} ms, p99 ${percentile(s, 99).toFixed(2)} ms`;
      };
      log(
        `records: ${(perConnection * connections).toLocaleString("en")} performance rows (${sizes.rows[0]?.size} with indexes, seeded in ${seedSeconds.toFixed(0)} s), ` +
          `600 GET /records pages of 100: all ${stat(all)}; first page ${stat(times.first!)}; cursor ${stat(times.cursor!)}; modified_after ${stat(times.modified_after!)}`,
      );
      await client.end();
    }
  } finally {
    clearInterval(sampler);
    await h.close();
    await teardown();
  }
  console.log(`\n${lines.join("\n")}`);
}

await main();
