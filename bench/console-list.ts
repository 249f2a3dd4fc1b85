/**
 * `pnpm bench:console`: the operator console's connections list on 100,000 connections (issue 27:
 * under 100 ms at p95). Seeds the connections (one account each, 5% expired with an error code) on
 * SQLite and on PostgreSQL, starts the real server, signs in to the console and times each kind of
 * list request over HTTP, one at a time. BENCH_CONSOLE_CONNECTIONS, BENCH_CONSOLE_RUNS and
 * BENCH_PARTS (sqlite,postgres) change the run.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { startAdsConnect } from "../packages/server/src/server.js";
import type { NewConnectionRow } from "../packages/server/src/store/connectionStore.js";
import { createDatabase } from "../packages/server/src/store/createDatabase.js";
import { startPostgresCluster } from "../packages/server/src/testing/postgresCluster.js";

// pg from the server package (the module the server runs): the bench's own ANALYZE after the bulk load.
const require = createRequire(new URL("../packages/server/package.json", import.meta.url));
const pg = require("pg") as {
  Client: new (options: { connectionString: string }) => { connect(): Promise<void>; query(sql: string): Promise<unknown>; end(): Promise<void> };
};

const COUNT = Number(process.env.BENCH_CONSOLE_CONNECTIONS ?? 100_000);
const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 200);
const PARTS = new Set((process.env.BENCH_PARTS ?? "sqlite,postgres").split(","));
const OPERATOR_KEY = "bench-operator-key-0123456789abcdefghijklmnop";
const work = mkdtempSync(path.join(tmpdir(), "ads-connect-console-bench-"));

const accountNumber = (i: number) => `B${(0x10000000 + i).toString(16).toUpperCase()}`;

async function seed(target: { url?: string; file?: string }): Promise<void> {
  const db = await createDatabase(target);
  const started = performance.now();
  const now = Date.now();
  const BATCH = 500;
  for (let from = 0; from < COUNT; from += BATCH) {
    const rows: NewConnectionRow[] = [];
    const accounts = [];
    for (let i = from; i < Math.min(COUNT, from + BATCH); i++) {
      const id = randomUUID();
      const failing = i % 20 === 0;
      rows.push({
        connection_id: id,
        provider_config_key: "microsoft-ads",
        end_user_id: `end-user-${i}`,
        end_user: JSON.stringify({ id: `end-user-${i}`, email: `user${i}@product.example`, display_name: `User ${i}`, organization: null }),
        end_user_email: `user${i}@product.example`,
        tenant_id: "00000000-0000-0000-0000-0000000000aa",
        object_id: `object-${i}`,
        username: `user${i}@contoso.example`,
        display_name: `User ${i}`,
        account_type: "work",
        status: failing ? "expired" : "connected",
        errors: failing ? JSON.stringify([{ type: "grant_expired", log_id: "" }]) : "[]",
        error_code: failing ? "grant_expired" : null,
        credentials_enc: "{}",
        access_token_expires_at: now,
        scope: "https://ads.microsoft.com/msads.manage offline_access",
        connection_config: "{}",
        metadata: null,
        tags: "{}",
        // Spread over 30 days, so the sorts and the created/updated indexes see distinct times.
        created_at: now - (COUNT - i) * 25_000,
        updated_at: now - ((i * 7919) % COUNT) * 25_000,
        last_fetched_at: null,
        last_refreshed_at: null,
      });
      accounts.push({
        connection_id: id,
        account_id: String(100_000_000 + i),
        customer_id: String(200_000_000 + i),
        data: JSON.stringify({ id: String(100_000_000 + i), number: accountNumber(i), name: `Account ${i}` }),
        account_number: accountNumber(i),
        first_seen_at: now,
        last_modified_at: now,
        last_action: "ADDED" as const,
        deleted_at: null,
        cursor: i + 1,
        position: 0,
      });
    }
    await db.insertInto("connections").values(rows).execute();
    await db.insertInto("ad_accounts").values(accounts).execute();
  }
  await db.destroy();
  console.log(`  seeded ${COUNT.toLocaleString("en")} connections (and accounts) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function measure(name: string, databaseEnv: Record<string, string>): Promise<void> {
  console.log(`\n${name}`);
  const server = await startAdsConnect({
    env: {
      PORT: "0",
      DATA_DIR: path.join(work, name),
      ADS_CONNECT_SECRET_KEY: "bench-secret-key-0123456789abcdefghijklmnop",
      ADS_CONNECT_WEBHOOK_SIGNING_KEY: "bench-webhook-signing-key-0123456789abcdef",
      MICROSOFT_CLIENT_ID: "00000000-0000-0000-0000-000000000001",
      MICROSOFT_CLIENT_SECRET: "bench-client-secret",
      ENTRA_EMULATOR_URL: "http://127.0.0.1:9",
      CONSOLE_OPERATOR_KEY: OPERATOR_KEY,
      REFRESH_AHEAD: "off",
      ACCOUNT_SYNC: "off",
      PRUNE: "off",
      RATE_LIMIT: "off",
      LOG_LEVEL: "warn",
      ...databaseEnv,
    },
  });
  try {
    const signIn = await fetch(`${server.url}/console/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-console-request": "1" },
      body: JSON.stringify({ key: OPERATOR_KEY }),
    });
    const cookie = signIn.headers.getSetCookie()[0]!.split(";")[0]!;
    const mid = Math.floor(COUNT / 2);
    const cases: [string, (run: number) => string][] = [
      ["first page, newest first", () => ""],
      ["page 40 (offset 1,000)", () => "?page=40&limit=25"],
      ["status=expired", () => "?status=expired"],
      ["error_code=grant_expired", () => "?error_code=grant_expired"],
      ["sort by end user id, ascending", () => "?sort=end_user_id&order=asc"],
      ["sort by updated, status=expired", () => "?sort=updated_at&status=expired"],
      ["search: end user email", (run) => `?q=USER${(mid + run * 37) % COUNT}@product.example`],
      ["search: account number", (run) => `?q=${accountNumber((mid + run * 41) % COUNT).toLowerCase()}`],
      ["search: end user id", (run) => `?q=end-user-${(mid + run * 43) % COUNT}`],
    ];
    const all: number[] = [];
    const rows: string[] = [];
    for (const [label, query] of cases) {
      // A few warm-up requests (statement caches, page cache), then the timed ones.
      for (let i = 0; i < 5; i++) await (await fetch(`${server.url}/console/api/connections${query(i)}`, { headers: { cookie } })).arrayBuffer();
      const times: number[] = [];
      let total = 0;
      for (let run = 0; run < RUNS; run++) {
        const t = performance.now();
        const res = await fetch(`${server.url}/console/api/connections${query(run)}`, { headers: { cookie } });
        const body = (await res.json()) as { total: number };
        times.push(performance.now() - t);
        if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status}`);
        total = body.total;
      }
      times.sort((a, b) => a - b);
      all.push(...times);
      rows.push(`| ${label} | ${total.toLocaleString("en")} | ${percentile(times, 50).toFixed(1)} | ${percentile(times, 95).toFixed(1)} |`);
    }
    all.sort((a, b) => a - b);
    console.log("| request | matches | p50 ms | p95 ms |\n| --- | ---: | ---: | ---: |");
    for (const row of rows) console.log(row);
    console.log(`| **all ${all.length} requests** | | ${percentile(all, 50).toFixed(1)} | **${percentile(all, 95).toFixed(1)}** |`);
  } finally {
    await server.close();
  }
}

try {
  if (PARTS.has("sqlite")) {
    const file = path.join(work, "sqlite.db");
    await seed({ file });
    await measure("SQLite", { DATABASE_FILE: file });
  }
  if (PARTS.has("postgres")) {
    const cluster = await startPostgresCluster();
    try {
      await seed({ url: cluster.url });
      // The planner's statistics, as autovacuum's analyze gathers them shortly after a bulk load.
      const client = new pg.Client({ connectionString: cluster.url });
      await client.connect();
      await client.query("analyze");
      await client.end();
      await measure("PostgreSQL", { DATABASE_URL: cluster.url });
    } finally {
      await cluster.destroy();
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
