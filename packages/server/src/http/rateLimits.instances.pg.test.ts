import { beforeEach, expect, it } from "vitest";
import type { RunningServer } from "../server.js";
import type { Harness } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";
import { twoInstancesForFile } from "../testing/twoInstances.js";

// PostgreSQL only (SQLite is one process, counted in its memory): two instances on one database
// count every request against one limit, instead of each allowing the limit.
let h: Harness;
let b: RunningServer;
twoInstancesForFile(
  { RATE_LIMIT_WINDOW_SECONDS: "600", RATE_LIMIT_API: "5", RATE_LIMIT_BROWSER: "4", REFRESH_AHEAD: "off", PRUNE: "off", ACCOUNT_SYNC: "off" },
  (first, second) => {
    h = first;
    b = second;
  },
);

// Each test starts with fresh windows.
beforeEach(async () => {
  await h.server.db.deleteFrom("rate_limit_hits").execute();
});

const listConnections = (url: string) => httpRequest(`${url}/connections`, { headers: { authorization: `Bearer ${h.secretKey}` } });

it("the API allowance is one for the deployment: requests alternating between two instances get 429 once the shared limit is reached, on both", async () => {
  const urls = [h.server.url, b.url];
  // The status read is answered by the fast reads (after the rate limits): it is counted too.
  for (let i = 0; i < 5; i++) expect((await listConnections(urls[i % 2]!)).status).toBe(200);
  for (const url of urls) {
    const refused = await listConnections(url);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text)).toMatchObject({ error: { code: "rate_limited" } });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(600);
  }
  // Everything another instance needs is in the database: one row for the API's allowance, named without the key.
  const rows = await h.server.db.selectFrom("rate_limit_hits").select(["key", "hits"]).where("key", "like", "api:%").execute();
  expect(rows).toEqual([{ key: "api:key", hits: 7 }]);
  expect(JSON.stringify(await h.server.db.selectFrom("rate_limit_hits").selectAll().execute())).not.toContain(h.secretKey);
  // express-rate-limit accepted the store (its configuration checks log through the limiter's logger).
  expect(h.logs.join("\n")).not.toMatch(/rate limiter (warning|error)/);
});

it("per-IP limits are shared too: an address's popup pages across both instances", async () => {
  const { token } = await h.createSession();
  const start = (url: string) => httpRequest(`${url}/oauth/connect/microsoft-ads?${new URLSearchParams({ connect_session_token: token, origin: "http://app.localhost:5173" })}`);
  for (let i = 0; i < 4; i++) expect((await start(i % 2 === 0 ? h.server.url : b.url)).status).toBe(200);
  expect((await start(b.url)).status).toBe(429);
  expect((await start(h.server.url)).status).toBe(429);
});

it("a new window starts once the old one has ended, and the prune job deletes ended windows", async () => {
  for (let i = 0; i < 6; i++) await listConnections(i % 2 === 0 ? h.server.url : b.url);
  expect((await listConnections(b.url)).status).toBe(429);
  await httpRequest(`${b.url}/oauth/callback?code=c&state=s`);
  // The windows end now (the clock is not waited for): the next request starts a new count.
  await h.server.db.updateTable("rate_limit_hits").set({ reset_at: Date.now() - 1 }).execute();
  expect((await listConnections(b.url)).status).toBe(200);
  expect(await h.server.db.selectFrom("rate_limit_hits").select("hits").where("key", "=", "api:key").executeTakeFirst()).toEqual({ hits: 1 });
  // The browser window that ended is deleted; the API's new one stays.
  expect((await h.server.prune.runOnce()).rateLimitWindows).toBe(1);
  expect(await h.server.db.selectFrom("rate_limit_hits").select("key").execute()).toEqual([{ key: "api:key" }]);
});

it("RATE_LIMIT_STORE=memory: an instance counts alone (and writes no counters)", async () => {
  for (let i = 0; i < 6; i++) await listConnections(h.server.url);
  expect((await listConnections(b.url)).status).toBe(429);
  const alone = await h.startInstance({ RATE_LIMIT_STORE: "memory" });
  try {
    for (let i = 0; i < 5; i++) expect((await listConnections(alone.url)).status).toBe(200);
    expect((await listConnections(alone.url)).status).toBe(429);
    expect(await h.server.db.selectFrom("rate_limit_hits").select("hits").where("key", "=", "api:key").executeTakeFirst()).toEqual({ hits: 7 });
  } finally {
    await alone.close();
  }
});
