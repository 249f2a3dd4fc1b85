import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, type EntraEmulator, startEntraEmulator } from "@ads-connect/entra-emulator";
import pg from "pg";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { type RunningServer, startAdsConnect } from "../server.js";
import { httpRequest } from "../testing/httpRequest.js";
import { type PostgresCluster, startPostgresCluster } from "../testing/postgresCluster.js";
import { withDatabase } from "../testing/testDatabase.js";
import { startWebhookReceiver } from "../testing/webhookReceiver.js";

// PostgreSQL only, on a cluster of this file's own (the suite's shared one is never stopped): a
// restart is an expected outage, answered with 503 and retried by the jobs. The log says so once
// (a warn line with the error's code when it starts, an info line when it is back), not an error
// line with a stack per request and job pass.
const SECRET = "outage-secret-key-0123456789abcdefghijklmn";
let cluster: PostgresCluster;
let emulator: EntraEmulator;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let dataDir: string;
let server: RunningServer;
const lines: { level: number; msg: string; [key: string]: unknown }[] = [];

beforeAll(async () => {
  cluster = await startPostgresCluster();
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query("CREATE DATABASE outage");
  await admin.end();
  emulator = await startEntraEmulator();
  receiver = await startWebhookReceiver();
  dataDir = mkdtempSync(path.join(tmpdir(), "ads-connect-outage-"));
  const logDestination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(JSON.parse(line) as (typeof lines)[number]);
      done();
    },
  });
  server = await startAdsConnect({
    env: {
      PORT: "0",
      DATA_DIR: dataDir,
      DATABASE_URL: withDatabase(cluster.url, "outage"),
      ADS_CONNECT_SECRET_KEY: SECRET,
      MICROSOFT_CLIENT_ID: DEV_CLIENT_ID,
      MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET,
      ENTRA_EMULATOR_URL: emulator.url,
      // The webhook dispatcher looks for due events every second.
      WEBHOOK_URL: receiver.url,
      // Every job that reads the database passes each second, so each meets the outage.
      REFRESH_AHEAD_INTERVAL_SECONDS: "1",
      PRUNE_INTERVAL_SECONDS: "1",
      SYNC_POLL_SECONDS: "1",
      LOG_LEVEL: "info",
    },
    logDestination,
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await emulator?.close();
  await receiver?.close();
  await cluster?.destroy();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it("a PostgreSQL restart logs one warn line with the error's code when it starts and one info line when the database is back, no error lines", async () => {
  const auth = { authorization: `Bearer ${SECRET}` };
  expect((await httpRequest(`${server.address}/connections`, { headers: auth })).status).toBe(200);
  const from = lines.length;
  const noted = vi.spyOn(server.services.databaseOutage, "noted");
  await cluster.stop();
  // Requests during the outage: a 503 each, on the Express path and on the token read's fast path.
  for (let i = 0; i < 3; i++) {
    for (const p of ["/connections", "/connections/no-such-connection"])
      expect((await httpRequest(`${server.address}${p}`, { headers: auth })).status).toBe(503);
  }
  // The jobs meet it too (refresh-ahead, prune, syncs and the webhook dispatcher each pass every
  // second): wait until they have handed it a dozen more failures than the requests did.
  await expect.poll(() => noted.mock.calls.length, { timeout: 15_000, interval: 50 }).toBeGreaterThanOrEqual(18);
  await cluster.start();
  await expect.poll(async () => (await httpRequest(`${server.address}/connections`, { headers: auth })).status, { timeout: 30_000, interval: 100 }).toBe(200);
  await expect.poll(() => lines.slice(from).some((l) => l.msg === "database reachable again"), { timeout: 10_000, interval: 50 }).toBe(true);

  const outage = lines.slice(from);
  expect(outage.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([]);
  const started = outage.filter((l) => l.msg.startsWith("database unreachable"));
  expect(started).toHaveLength(1);
  expect(started[0]!.level).toBe(40);
  expect(started[0]!.code).toMatch(/^(ECONNREFUSED|ECONNRESET|57P0\d|08\w+)$/);
  // Neither the connection string nor a stack: the code only.
  expect(JSON.stringify(started[0])).not.toMatch(/postgres(ql)?:\/\/|stack/);
  const back = outage.filter((l) => l.msg === "database reachable again");
  expect(back).toHaveLength(1);
  expect(back[0]!.level).toBe(30);
  // The one warn line of the outage; besides it only the token reads' change feed says it lost its
  // connection (its own state: token reads skip their cache until it listens again).
  const warns = outage.filter((l) => l.level === 40).map((l) => l.msg);
  expect(warns.filter((m) => !m.startsWith("lost the connection that listens for connection changes"))).toEqual([started[0]!.msg]);
  // Each 503 still has its request line, an ordinary one.
  const answered = outage.filter((l) => (l.res as { statusCode?: number } | undefined)?.statusCode === 503);
  expect(answered.length).toBe(6);
  expect(answered.every((l) => l.level === 30)).toBe(true);
}, 60_000);
