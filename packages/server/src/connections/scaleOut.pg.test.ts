import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, type EntraEmulator, startEntraEmulator } from "@ads-connect/entra-emulator";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { resultOf, signInAs, submitStart, WIDGET_ORIGIN } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";
import { startLoadBalancer } from "../testing/loadBalancer.js";
import { type ServerProcess, startServerProcess } from "../testing/serverProcess.js";
import { createTestDatabase, type TestDatabase } from "../testing/testDatabase.js";

// Three ads-connect processes (the server's own bin) on one PostgreSQL database behind one load
// balancer, which is their PUBLIC_URL: a scaled-out deployment without sticky sessions.
const SECRET = "scale-out-secret-key-0123456789abcdefghijk";
const LEASE_SECONDS = 2;

let emulator: EntraEmulator;
let database: TestDatabase;
let lb: Awaited<ReturnType<typeof startLoadBalancer>>;
let dataDir: string;
let instances: ServerProcess[] = [];

beforeAll(async () => {
  emulator = await startEntraEmulator();
  database = await createTestDatabase("postgres");
  lb = await startLoadBalancer();
  dataDir = mkdtempSync(path.join(tmpdir(), "ads-connect-scale-"));
  const env = {
    HOST: "127.0.0.1",
    PUBLIC_URL: lb.url,
    DATA_DIR: dataDir,
    ADS_CONNECT_SECRET_KEY: SECRET,
    ADS_CONNECT_WEBHOOK_SIGNING_KEY: "scale-out-webhook-key-0123456789abcdefghij",
    ALLOWED_ORIGINS: WIDGET_ORIGIN,
    MICROSOFT_CLIENT_ID: DEV_CLIENT_ID,
    MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET,
    ENTRA_EMULATOR_URL: emulator.url,
    REFRESH_AHEAD: "off",
    PRUNE: "off",
    REFRESH_LEASE_SECONDS: String(LEASE_SECONDS),
    ...database.env,
  };
  instances = await Promise.all([0, 1, 2].map(() => startServerProcess(env)));
  lb.balance(instances.map((i) => i.address));
});

// Seen once in a CI run (every connect answered internal_error at the callback's save, not
// reproduced since): a failing test prints the instances' error lines, which say why.
afterEach((ctx) => {
  if (ctx.task.result?.state !== "fail") return;
  for (const [n, i] of instances.entries())
    for (const line of i.lines) if (/"level":(50|60)/.test(line)) console.error(`instance ${n}: ${line.slice(0, 4000)}`);
});

afterAll(async () => {
  await Promise.all(
    instances.map(async (i) => {
      if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill("SIGTERM");
      await i.exited;
    }),
  );
  await lb?.close();
  await emulator?.close();
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface ConnectionBody {
  status: string;
  credentials: { access_token: string; refresh_token?: string; expires_at: string };
}

async function read(base: string, id: string, query = "") {
  const res = await httpRequest(`${base}/connections/${id}${query}`, { headers: { authorization: `Bearer ${SECRET}` } });
  return { status: res.status, body: JSON.parse(res.text) as ConnectionBody };
}

/** A whole connect flow through the load balancer; `callbackOn` pins Microsoft's redirect back to one instance. */
async function connect(username: string, options: { startOn?: ServerProcess; callbackOn?: ServerProcess } = {}) {
  const session = await httpRequest(`${lb.url}/connect/sessions`, {
    method: "POST",
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: JSON.stringify({ end_user: { id: `user-${username}` } }),
  });
  const token = (JSON.parse(session.text) as { data: { token: string } }).data.token;
  const browser = new BrowserClient();
  if (options.startOn) lb.route(options.startOn.address);
  const startUrl = `${lb.url}/oauth/connect/microsoft-ads?${new URLSearchParams({ connect_session_token: token, origin: WIDGET_ORIGIN })}`;
  const startPage = await browser.get(startUrl);
  const loginPage = await submitStart(browser, startPage, "continue");
  // Microsoft's redirect back to PUBLIC_URL's callback, not followed yet.
  const redirect = await signInAs(browser, loginPage, username, { follow: false });
  const callback = redirect.headers.get("location");
  if (!callback) throw new Error(`No redirect back from the emulator: ${redirect.status} ${redirect.body.slice(0, 200)}`);
  if (options.callbackOn) lb.route(options.callbackOn.address);
  const served = lb.served.length;
  const page = await browser.get(new URL(callback, redirect.url).href);
  const callbackServedBy = lb.served.slice(served).find((s) => s.path.endsWith("/callback"))?.target;
  lb.balance(instances.filter((i) => i.child.exitCode === null && i.child.signalCode === null).map((i) => i.address));
  return { result: resultOf(page), callbackServedBy };
}

it("a sign-in started on instance A (start page and Continue) finishes its callback on instance B: connected", async () => {
  const [a, b] = instances as [ServerProcess, ServerProcess];
  const { result, callbackServedBy } = await connect("adele@contoso.example", { startOn: a, callbackOn: b });
  expect(callbackServedBy).toBe(b.address);
  expect(lb.served.some((s) => s.target === a.address && s.path.includes("/oauth/connect/microsoft-ads"))).toBe(true);
  expect(result.type).toBe("ads-connect:success");
  if (result.type !== "ads-connect:success") return;
  // Every instance serves the new connection.
  for (const i of instances) expect((await read(i.address, result.connection_id)).body.status).toBe("connected");
});

it("1,000 concurrent token reads of one expiring connection over three instances: one refresh at Microsoft, every reader a valid token, the newest refresh token stored", async () => {
  // Issued with a 1 s lifetime: inside the served-token margin from the start, so the next read refreshes.
  emulator.setAccessTokenLifetimeSeconds(1);
  const { result } = await connect("megan@contoso.example");
  if (result.type !== "ads-connect:success") throw new Error(`connect failed: ${JSON.stringify(result)}`);
  const id = result.connection_id;
  const stored = async () => (await read(instances[0]!.address, id, "?refresh_token=true")).body.credentials.refresh_token;
  // This read refreshes too, still to a 1 s token: the connection stays expiring for the burst below.
  const refreshTokenBefore = await stored();
  emulator.setAccessTokenLifetimeSeconds(3600);
  const before = emulator.stats.tokenRequests.refresh_token;
  // Spread round robin over the three instances by the load balancer.
  const reads = await Promise.all(Array.from({ length: 1000 }, () => read(lb.url, id)));
  expect(emulator.stats.tokenRequests.refresh_token - before).toBe(1);
  expect(reads.every((r) => r.status === 200)).toBe(true);
  const tokens = new Set(reads.map((r) => r.body.credentials.access_token));
  expect(tokens.size).toBe(1);
  for (const token of tokens) expect(emulator.isAccessTokenValid(token)).toBe(true);
  const servedBy = new Set(lb.served.slice(-1000).map((s) => s.target));
  expect(servedBy.size).toBe(3);
  // The one refresh's rotated refresh token is the one stored, and it works.
  const refreshTokenAfter = await stored();
  expect(refreshTokenAfter).not.toBe(refreshTokenBefore);
  const again = await read(instances[1]!.address, id, "?force_refresh=true&refresh_token=true");
  expect(again.status).toBe(200);
  expect(emulator.isAccessTokenValid(again.body.credentials.access_token)).toBe(true);
});

it("SIGKILL of the instance holding a connection's refresh lease: another instance refreshes once the lease expires; nothing lost", async () => {
  const { result } = await connect("adele@contoso.example");
  if (result.type !== "ads-connect:success") throw new Error(`connect failed: ${JSON.stringify(result)}`);
  const id = result.connection_id;
  const [victim, survivor] = [instances[2]!, instances[0]!];
  // The victim is inside the refresh (lease taken, Microsoft's answer on its way) when it dies.
  const hold = emulator.holdNextTokenResponse("refresh_token");
  const inFlight = read(victim.address, id, "?force_refresh=true").catch((err: unknown) => err);
  await hold.held;
  const killedAt = Date.now();
  victim.child.kill("SIGKILL");
  await victim.exited;
  hold.release();
  expect(await inFlight).toBeInstanceOf(Error);
  lb.balance(instances.filter((i) => i !== victim).map((i) => i.address));

  const before = emulator.stats.tokenRequests.refresh_token;
  const res = await read(survivor.address, id, "?force_refresh=true");
  const waitedMs = Date.now() - killedAt;
  expect(res.status).toBe(200);
  expect(res.body.status).toBe("connected");
  expect(emulator.isAccessTokenValid(res.body.credentials.access_token)).toBe(true);
  expect(emulator.stats.tokenRequests.refresh_token - before).toBe(1);
  // Within the lease's expiry (plus room for a busy machine), not blocked by the dead holder.
  expect(waitedMs).toBeLessThan(LEASE_SECONDS * 1000 + 3000);
  // Nothing lost: the stored refresh token still works, through the load balancer on either survivor.
  for (let i = 0; i < 2; i++) {
    const next = await read(lb.url, id, "?force_refresh=true");
    expect(next.status).toBe(200);
    expect(emulator.isAccessTokenValid(next.body.credentials.access_token)).toBe(true);
  }
});
