import { beforeEach, expect, it } from "vitest";
import type { RunningServer } from "../server.js";
import type { Harness } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";
import { twoInstancesForFile } from "../testing/twoInstances.js";

// PostgreSQL only (SQLite is one process, counted in its memory): two instances on one database
// count every request against one limit, instead of each allowing the limit. Each instance adds its
// hits to the shared row at most every 250 ms and learns the total from that statement, so these
// tests wait for each request's flush (the row's total) before the next; each instance then knows
// the total as of its own last flush. Counting alone, each instance would allow the whole limit.
let h: Harness;
let b: RunningServer;
twoInstancesForFile(
  { RATE_LIMIT_WINDOW_SECONDS: "600", RATE_LIMIT_API: "5", RATE_LIMIT_BROWSER: "4", REFRESH_AHEAD: "off", PRUNE: "off", ACCOUNT_SYNC: "off" },
  (first, second) => {
    h = first;
    b = second;
  },
);

// Each test starts with fresh windows, in the database and in both instances.
beforeEach(async () => {
  await h.server.db.deleteFrom("rate_limit_hits").execute();
  h.server.services.rateLimitCounter!.clear();
  b.services.rateLimitCounter!.clear();
});

const listConnections = (url: string) => httpRequest(`${url}/connections`, { headers: { authorization: `Bearer ${h.secretKey}` } });
/** The deployment-wide hits of the limiter counters whose keys start with `prefix`. */
const hitsIn = async (prefix: string) =>
  (await h.server.db.selectFrom("rate_limit_hits").select("hits").where("key", "like", `${prefix}%`).execute()).reduce((sum, row) => sum + Number(row.hits), 0);
/** Sends, then waits until the instance has added the hit to the database (its flush). */
async function flushed<T>(prefix: string, send: () => Promise<T>): Promise<T> {
  const before = await hitsIn(prefix);
  const answer = await send();
  await expect.poll(() => hitsIn(prefix)).toBe(before + 1);
  return answer;
}

it("the API allowance is one for the deployment: requests alternating between two instances get 429 once the shared limit is reached (one flush's hits over it at most), on both", async () => {
  const urls = [h.server.url, b.url];
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) statuses.push((await flushed("api:", () => listConnections(urls[i % 2]!))).status);
  // The sixth is allowed: its instance last knew 4 (its flush before the other's fifth) and counted 5.
  // Counting alone each instance would allow all four of its requests.
  expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
  for (const url of urls) {
    const refused = await flushed("api:", () => listConnections(url));
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text)).toMatchObject({ error: { code: "rate_limited" } });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(600);
    expect(refused.headers.get("ratelimit")).toMatch(/^limit=5, remaining=0, reset=\d+$/);
  }
  // Everything another instance needs is in the database: one row for the API's allowance, named without the key.
  const rows = await h.server.db.selectFrom("rate_limit_hits").select(["key", "hits"]).where("key", "like", "api:%").execute();
  expect(rows).toEqual([{ key: "api:key", hits: 10 }]);
  expect(JSON.stringify(await h.server.db.selectFrom("rate_limit_hits").selectAll().execute())).not.toContain(h.secretKey);
});

it("per-IP limits are shared too: an address's popup pages across both instances", async () => {
  const { token } = await h.createSession();
  const start = (url: string) =>
    httpRequest(`${url}/oauth/connect/microsoft-ads?${new URLSearchParams({ connect_session_token: token, origin: "http://app.localhost:5173" })}`);
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) statuses.push((await flushed("browser:", () => start(i % 2 === 0 ? h.server.url : b.url))).status);
  // Counting alone, the sixth and seventh would be each instance's third and fourth: allowed.
  expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
});

it("a burst between flushes is answered from the last known total plus this instance's hits: over the limit by at most one flush's hits", async () => {
  // Five quick requests on one instance, none waiting for a flush: the fifth already counts 5.
  for (let i = 0; i < 5; i++) expect((await listConnections(h.server.url)).status).toBe(200);
  expect((await listConnections(h.server.url)).status).toBe(429);
  await expect.poll(() => hitsIn("api:")).toBe(6);
  // The other instance learns the total with its first flush: one request over the limit, then 429s.
  expect((await flushed("api:", () => listConnections(b.url))).status).toBe(200);
  expect((await listConnections(b.url)).status).toBe(429);
});

it("a new window starts once the old one has ended, and the prune job deletes ended windows", async () => {
  for (let i = 0; i < 6; i++) await flushed("api:", () => listConnections(i % 2 === 0 ? h.server.url : b.url));
  expect((await flushed("api:", () => listConnections(b.url))).status).toBe(429);
  await flushed("browser:", () => httpRequest(`${b.url}/oauth/callback?code=c&state=s`));
  // The windows end now (the clock is not waited for). The instance learns it from its next flush,
  // which starts the new count with the hits it adds.
  await h.server.db
    .updateTable("rate_limit_hits")
    .set({ reset_at: Date.now() - 1 })
    .execute();
  await listConnections(b.url);
  await expect.poll(async () => (await h.server.db.selectFrom("rate_limit_hits").select("hits").where("key", "=", "api:key").executeTakeFirst())?.hits).toBe(1);
  expect((await flushed("api:", () => listConnections(b.url))).status).toBe(200);
  expect(await h.server.db.selectFrom("rate_limit_hits").select("hits").where("key", "=", "api:key").executeTakeFirst()).toEqual({ hits: 2 });
  // The browser window that ended is deleted; the API's new one stays.
  expect((await h.server.prune.runOnce()).rateLimitWindows).toBe(1);
  expect(await h.server.db.selectFrom("rate_limit_hits").select("key").execute()).toEqual([{ key: "api:key" }]);
});

it("RATE_LIMIT_STORE=memory: an instance counts alone (and writes no counters)", async () => {
  for (let i = 0; i < 6; i++) await flushed("api:", () => listConnections(h.server.url));
  await flushed("api:", () => listConnections(b.url));
  expect((await flushed("api:", () => listConnections(b.url))).status).toBe(429);
  const alone = await h.startInstance({ RATE_LIMIT_STORE: "memory" });
  try {
    for (let i = 0; i < 5; i++) expect((await listConnections(alone.url)).status).toBe(200);
    expect((await listConnections(alone.url)).status).toBe(429);
    expect(alone.services.rateLimitCounter).toBeNull();
    expect(await h.server.db.selectFrom("rate_limit_hits").select("hits").where("key", "=", "api:key").executeTakeFirst()).toEqual({ hits: 8 });
  } finally {
    await alone.close();
  }
});
