import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, type EntraEmulator, startEntraEmulator } from "@ads-connect/entra-emulator";
import { WEBHOOK_IDEMPOTENCY_HEADER } from "@ads-connect/shared";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { beginSignIn, resultOf, signInAs, WIDGET_ORIGIN } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";
import { startLoadBalancer } from "../testing/loadBalancer.js";
import { type PostgresCluster, startPostgresCluster } from "../testing/postgresCluster.js";
import { type ServerProcess, startServerProcess } from "../testing/serverProcess.js";
import { withDatabase } from "../testing/testDatabase.js";
import { startWebhookReceiver } from "../testing/webhookReceiver.js";

// PostgreSQL only. Three ads-connect processes behind one load balancer on a PostgreSQL cluster of
// this file's own (the suite's shared cluster is never stopped), which the test restarts under a
// steady stream of token and status reads while webhooks are queued and one is in flight.
const SECRET = "restart-secret-key-0123456789abcdefghijklm";
const SHUTDOWN_SECONDS = 5;

let cluster: PostgresCluster;
let emulator: EntraEmulator;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let lb: Awaited<ReturnType<typeof startLoadBalancer>>;
let dataDir: string;
let instances: ServerProcess[] = [];
const alive = (i: ServerProcess) => i.child.exitCode === null && i.child.signalCode === null;

beforeAll(async () => {
  cluster = await startPostgresCluster();
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query("CREATE DATABASE restart");
  await admin.end();
  emulator = await startEntraEmulator();
  receiver = await startWebhookReceiver();
  lb = await startLoadBalancer();
  dataDir = mkdtempSync(path.join(tmpdir(), "ads-connect-restart-"));
  const env = {
    HOST: "127.0.0.1",
    PUBLIC_URL: lb.url,
    DATA_DIR: dataDir,
    DATABASE_URL: withDatabase(cluster.url, "restart"),
    ADS_CONNECT_SECRET_KEY: SECRET,
    ADS_CONNECT_WEBHOOK_SIGNING_KEY: "restart-webhook-key-0123456789abcdefghijkl",
    ALLOWED_ORIGINS: WIDGET_ORIGIN,
    MICROSOFT_CLIENT_ID: DEV_CLIENT_ID,
    MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET,
    ENTRA_EMULATOR_URL: emulator.url,
    WEBHOOK_URL: receiver.url,
    // A refused webhook is tried again within half a second, and never given up during the test.
    WEBHOOK_RETRY_BASE_MS: "100",
    WEBHOOK_RETRY_MAX_MS: "500",
    WEBHOOK_MAX_ATTEMPTS: "100",
    REFRESH_AHEAD: "off",
    PRUNE: "off",
    SHUTDOWN_TIMEOUT_SECONDS: String(SHUTDOWN_SECONDS),
  };
  // One first (it migrates the empty database), then two more.
  instances = [await startServerProcess(env)];
  instances.push(...(await Promise.all([0, 1].map(() => startServerProcess(env)))));
  lb.balance(instances.map((i) => i.address));
}, 60_000);

afterAll(async () => {
  await Promise.all(
    instances.map(async (i) => {
      if (alive(i)) i.child.kill("SIGTERM");
      await i.exited;
    }),
  );
  await lb?.close();
  await receiver?.close();
  await emulator?.close();
  await cluster?.destroy();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${SECRET}` };

async function connect(endUserId: string, username: string): Promise<string> {
  const session = await httpRequest(`${lb.url}/connect/sessions`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ end_user: { id: endUserId } }),
  });
  const token = (JSON.parse(session.text) as { data: { token: string } }).data.token;
  const browser = new BrowserClient();
  const loginPage = await beginSignIn(
    browser,
    `${lb.url}/oauth/connect/microsoft-ads?${new URLSearchParams({ connect_session_token: token, origin: WIDGET_ORIGIN })}`,
  );
  const result = resultOf(await signInAs(browser, loginPage, username));
  if (result.type !== "ads-connect:success") throw new Error(`connect failed: ${JSON.stringify(result)}`);
  return result.connection_id;
}

async function connectionIds(base = lb.url): Promise<string[]> {
  const res = await httpRequest(`${base}/connections?limit=100`, { headers: auth });
  expect(res.status).toBe(200);
  return (JSON.parse(res.text) as { connections: { connection_id: string }[] }).connections.map((c) => c.connection_id).sort();
}

interface Sample {
  kind: "token" | "status";
  startedAt: number;
  ms: number;
  status: number;
  code: string | undefined;
  retryAfter: number;
  /** The token read's access token is one the emulator issued and still accepts. */
  validToken: boolean;
}

/** `readers` loops, each reading token then status of the connections in turn, through the load balancer, until stopped. */
function readStream(ids: string[], readers: number) {
  const samples: Sample[] = [];
  let running = true;
  const loop = async (n: number) => {
    for (let i = n; running; i++) {
      const id = ids[i % ids.length]!;
      const kind = i % 2 === 0 ? "token" : "status";
      const startedAt = performance.now();
      // Far longer than a fast answer: a request that hangs shows as a failed sample, not a stuck test.
      const res = await Promise.race([
        httpRequest(`${lb.url}${kind === "token" ? `/connections/${id}` : `/connections?connectionId=${id}`}`, { headers: auth }),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 15_000).unref()),
      ]);
      const ms = performance.now() - startedAt;
      if (!res) {
        samples.push({ kind, startedAt, ms, status: 0, code: "hang", retryAfter: 0, validToken: false });
        continue;
      }
      let json: { error?: { code?: string }; credentials?: { access_token?: string } } = {};
      try {
        json = JSON.parse(res.text) as typeof json;
      } catch {
        // Not JSON: recorded by its missing code.
      }
      const accessToken = json.credentials?.access_token;
      samples.push({
        kind,
        startedAt,
        ms,
        status: res.status,
        code: json.error?.code,
        retryAfter: Number(res.headers.get("retry-after") ?? 0),
        validToken: kind === "token" && typeof accessToken === "string" && emulator.isAccessTokenValid(accessToken),
      });
    }
  };
  const done = Promise.all(Array.from({ length: readers }, (_, n) => loop(n)));
  return {
    samples,
    async stop() {
      running = false;
      await done;
    },
  };
}

const keyOf = (w: { headers: Record<string, string | string[] | undefined> }) => String(w.headers[WEBHOOK_IDEMPOTENCY_HEADER.toLowerCase()]);

it("PostgreSQL restarted under a steady stream of token and status reads on three instances: fast 503 database_unavailable with Retry-After while it is down, /readyz not ready; reads recover by themselves; no connection lost; every queued webhook delivered once per idempotency key", async () => {
  const users = ["adele@contoso.example", "megan@contoso.example"];
  const ids: string[] = [];
  for (let n = 0; n < 4; n++) ids.push(await connect(`user-restart-${n}`, users[n % 2]!));
  await receiver.waitFor(4, 20_000);

  // Webhooks queued before the outage that the receiver refuses for now (retried every half second):
  // a deletion and a new connection's creation.
  receiver.respondWith(503);
  const deleted = ids.pop()!;
  expect((await httpRequest(`${lb.url}/connections/${deleted}`, { method: "DELETE", headers: auth })).status).toBeLessThan(300);
  ids.push(await connect("user-restart-4", users[0]!));
  const before = await connectionIds();
  expect(before).toEqual([...ids].sort());
  for (const i of instances) expect((await httpRequest(`${i.address}/readyz`)).status).toBe(200);

  const stream = readStream(ids, 6);
  await expect.poll(() => stream.samples.filter((s) => s.status === 200).length, { timeout: 20_000, interval: 20 }).toBeGreaterThan(30);

  // One webhook is at the receiver (its delivery claimed) when PostgreSQL goes down; the receiver
  // accepts it only once the database is gone, so its result cannot be written until it is back.
  const hold = receiver.holdNext();
  await hold.arrived;
  await cluster.stop();
  const downAt = performance.now();
  receiver.respondWith(200);
  hold.release();

  // Down: every instance answers reads and /readyz with a fast 503, /healthz stays up.
  await expect.poll(() => stream.samples.filter((s) => s.startedAt > downAt).length, { timeout: 20_000, interval: 20 }).toBeGreaterThan(60);
  for (const i of instances) {
    const ready = await httpRequest(`${i.address}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text)).toMatchObject({ ready: false, database: "unreachable" });
    expect(Number(ready.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await httpRequest(`${i.address}/healthz`)).status).toBe(200);
    for (const p of [`/connections/${ids[0]}`, `/connections?connectionId=${ids[0]}`]) {
      const res = await httpRequest(`${i.address}${p}`, { headers: auth });
      expect(res.status, p).toBe(503);
    }
  }
  const upAt = performance.now();
  await cluster.start();

  // Back: reads recover by themselves.
  await expect.poll(() => stream.samples.filter((s) => s.startedAt > upAt && s.status === 200).length, { timeout: 30_000, interval: 50 }).toBeGreaterThan(60);
  const recoveredAt = performance.now();
  await expect.poll(() => stream.samples.filter((s) => s.startedAt > recoveredAt).length, { timeout: 30_000, interval: 50 }).toBeGreaterThan(60);
  await stream.stop();

  const during = stream.samples.filter((s) => s.startedAt > downAt && s.startedAt + s.ms < upAt);
  expect(during.length).toBeGreaterThan(60);
  for (const s of during) {
    expect({ status: s.status, code: s.code }).toEqual({ status: 503, code: "database_unavailable" });
    expect(s.retryAfter).toBeGreaterThan(0);
    // Fast: nowhere near the 3 s connect timeout, let alone a hang.
    expect(s.ms).toBeLessThan(1000);
  }
  expect(new Set(during.map((s) => s.kind))).toEqual(new Set(["token", "status"]));
  // Around the stop and the start a read may still succeed or already fail, but always one of the two.
  for (const s of stream.samples) expect([200, 503], JSON.stringify(s)).toContain(s.status);
  const after = stream.samples.filter((s) => s.startedAt > recoveredAt);
  expect(after.every((s) => s.status === 200)).toBe(true);
  expect(after.filter((s) => s.kind === "token").every((s) => s.validToken)).toBe(true);
  for (const i of instances) expect((await httpRequest(`${i.address}/readyz`)).status).toBe(200);

  // No connection lost, on any instance.
  for (const i of instances) expect(await connectionIds(i.address)).toEqual(before);

  // Every webhook queued is delivered, each exactly once: 5 creations and the deletion.
  await receiver.waitFor(6, 30_000);
  const admin = new pg.Client({ connectionString: withDatabase(cluster.url, "restart") });
  await admin.connect();
  try {
    const pending = async () => (await admin.query("SELECT id FROM webhook_outbox WHERE delivered_at IS NULL")).rowCount;
    await expect.poll(pending, { timeout: 30_000, interval: 100 }).toBe(0);
    const events = (await admin.query<{ id: string; locked_until: string | null }>("SELECT id, locked_until FROM webhook_outbox")).rows;
    expect(events.length).toBe(6);
    expect(events.every((e) => e.locked_until === null)).toBe(true);
    const keys = receiver.received.map(keyOf);
    expect(keys.sort()).toEqual(events.map((e) => e.id).sort());
    const operations = receiver.received.map((w) => (JSON.parse(w.rawBody) as { operation: string }).operation).sort();
    expect(operations).toEqual(["creation", "creation", "creation", "creation", "creation", "deletion"]);
  } finally {
    await admin.end();
  }
  // No unhandled error or stack trace in any instance's log.
  for (const i of instances) expect(i.lines.join("\n")).not.toContain('"unhandled error"');
}, 180_000);

it("SIGTERM while PostgreSQL is down: the instance exits 0 within its shutdown deadline instead of hanging, and the others serve again once the database is back", async () => {
  const ids = await connectionIds();
  await cluster.stop();
  const victim = instances[2]!;
  const started = performance.now();
  victim.child.kill("SIGTERM");
  expect(await victim.exited).toBe(0);
  expect(performance.now() - started).toBeLessThan(SHUTDOWN_SECONDS * 1000 + 2000);
  await cluster.start();
  lb.balance(instances.filter(alive).map((i) => i.address));
  await expect.poll(async () => (await httpRequest(`${lb.url}/readyz`)).status, { timeout: 30_000, interval: 100 }).toBe(200);
  for (const i of instances.filter(alive)) expect(await connectionIds(i.address)).toEqual(ids);
}, 60_000);
