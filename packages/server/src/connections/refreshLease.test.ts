import { expect, it } from "vitest";
import type { RunningServer } from "../server.js";
import { connectAs, type Harness } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";
import { twoInstancesForFile } from "../testing/twoInstances.js";

// Two instances on one database (one SQLite file, or one PostgreSQL database in packages-pg).
let h: Harness;
let b: RunningServer;
twoInstancesForFile({ REFRESH_AHEAD: "off" }, (first, second) => {
  h = first;
  b = second;
});

async function read(url: string, id: string, query = "") {
  const res = await httpRequest(`${url}/connections/${id}${query}`, { headers: { authorization: `Bearer ${h.secretKey}` } });
  return { status: res.status, body: JSON.parse(res.text) as { status: string; credentials: { access_token: string; refresh_token?: string } } };
}

async function until(condition: () => boolean | Promise<boolean>) {
  while (!(await condition())) await new Promise((r) => setImmediate(r));
}

async function connect(username: string): Promise<string> {
  const { result } = await connectAs(h, username);
  if (result.type !== "ads-connect:success") throw new Error("connect failed");
  return result.connection_id;
}

it("two instances refreshing one connection at once: one refresh at Microsoft, the waiting instance serves the refreshed token, and it shows as refreshing on both", async () => {
  const id = await connect("adele@contoso.example");
  const before = h.emulator.stats.tokenRequests.refresh_token;
  const hold = h.emulator.holdNextTokenResponse("refresh_token");
  const onA = read(h.server.url, id, "?force_refresh=true&refresh_token=true");
  await hold.held;
  for (const server of [h.server, b]) {
    const listed = await httpRequest(`${server.url}/connections?connectionId=${id}`, { headers: { authorization: `Bearer ${h.secretKey}` } });
    expect((JSON.parse(listed.text) as { connections: { status: string }[] }).connections[0]?.status).toBe("refreshing");
  }
  const logsBefore = h.logs.length;
  const onB = read(b.url, id, "?force_refresh=true&refresh_token=true");
  await until(() => h.logs.slice(logsBefore).some((l) => l.includes("token refresh running elsewhere")));
  hold.release();
  const [a, bb] = await Promise.all([onA, onB]);
  expect(a.status).toBe(200);
  expect(bb.status).toBe(200);
  expect(h.emulator.stats.tokenRequests.refresh_token - before).toBe(1);
  expect(bb.body.credentials.access_token).toBe(a.body.credentials.access_token);
  expect(h.emulator.isAccessTokenValid(bb.body.credentials.access_token)).toBe(true);
  // The stored refresh token is the newest: the next refresh works, on either instance.
  expect((await read(b.url, id, "?force_refresh=true")).status).toBe(200);
  expect((await read(h.server.url, id, "?force_refresh=true")).status).toBe(200);
});

it("a lease left by a dead instance blocks only until it expires; then another instance refreshes", async () => {
  const id = await connect("megan@contoso.example");
  const before = h.emulator.stats.tokenRequests.refresh_token;
  const expiresAt = Date.now() + 1000;
  await h.server.db.insertInto("refresh_leases").values({ connection_id: id, holder: "instance-killed-mid-refresh", expires_at: expiresAt }).execute();
  const res = await read(b.url, id, "?force_refresh=true");
  expect(res.status).toBe(200);
  expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
  expect(h.emulator.stats.tokenRequests.refresh_token - before).toBe(1);
  expect(h.emulator.isAccessTokenValid(res.body.credentials.access_token)).toBe(true);
});
