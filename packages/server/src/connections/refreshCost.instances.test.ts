import { beforeEach, expect, it } from "vitest";
import type { RunningServer } from "../server.js";
import { connectAs, type Harness } from "../testing/harness.js";
import { twoInstancesForFile } from "../testing/twoInstances.js";

// Two instances on one database. Budget: one background token request a minute for the whole app.
let h: Harness;
let b: RunningServer;
twoInstancesForFile({ REFRESH_AHEAD: "off", PRUNE: "off", TOKEN_REQUESTS_PER_MINUTE: "1", REFRESH_AHEAD_CONCURRENCY: "4" }, (first, second) => {
  h = first;
  b = second;
});

const ids: string[] = [];

beforeEach(async () => {
  if (ids.length === 0) {
    // Four connections: one Microsoft account connected by four end users of the product.
    for (const endUser of ["eu-1", "eu-2", "eu-3", "eu-4"]) {
      const { token } = await h.createSession({ end_user: { id: endUser } });
      const { result } = await connectAs(h, "adele@contoso.example", { token });
      if (result.type !== "ads-connect:success") throw new Error(`connect failed: ${JSON.stringify(result)}`);
      ids.push(result.connection_id);
    }
  }
  // Every test starts with fresh tokens nobody read, no keep-alive due, an empty budget, no throttling.
  const now = Date.now();
  await h.server.db
    .updateTable("connections")
    .set({ access_token_expires_at: now + 3_600_000, last_fetched_at: null, keepalive_due_at: now + 86_400_000 })
    .where("connection_id", "in", ids)
    .execute();
  await h.server.db.deleteFrom("token_request_windows").execute();
  await h.server.db.deleteFrom("token_throttle").execute();
});

const refreshRequests = () => h.emulator.stats.tokenRequests.refresh_token;
const rowsOf = async (which: string[]) =>
  h.server.db
    .selectFrom("connections")
    .select(["connection_id", "access_token_expires_at", "last_refreshed_at", "keepalive_due_at"])
    .where("connection_id", "in", which)
    .execute();
/** A token read that needs a refresh (force_refresh: the token it holds is still valid for an hour). */
const readWithRefresh = (server: { url: string }, id: string) =>
  fetch(`${server.url}/connections/${encodeURIComponent(id)}?force_refresh=true`, { headers: { authorization: `Bearer ${h.secretKey}` } });

it("keeps access tokens ahead only for connections read recently; an idle one waits for its keep-alive, which comes due spread over the period's last fifth", async () => {
  const [read, unread, keepAlive] = ids as [string, string, string];
  const now = Date.now();
  // Two tokens about to expire: one connection read a minute ago, one nobody read. A third is due for its keep-alive.
  await h.server.db
    .updateTable("connections")
    .set({ access_token_expires_at: now + 1000, last_fetched_at: now - 60_000 })
    .where("connection_id", "=", read)
    .execute();
  await h.server.db
    .updateTable("connections")
    .set({ access_token_expires_at: now + 1000 })
    .where("connection_id", "=", unread)
    .execute();
  await h.server.db
    .updateTable("connections")
    .set({ keepalive_due_at: now - 1000 })
    .where("connection_id", "=", keepAlive)
    .execute();
  const before = refreshRequests();

  // The budget allows one request a minute: run passes (a fresh minute each) until both due ones are done.
  let refreshed = 0;
  for (let pass = 0; refreshed < 2 && pass < 40; pass++) {
    refreshed += await h.server.refreshAhead.runOnce();
    if (refreshed < 2) await h.server.db.deleteFrom("token_request_windows").execute();
  }
  expect(refreshed).toBe(2);
  expect(refreshRequests() - before).toBe(2);
  const rows = new Map((await rowsOf([read, unread, keepAlive])).map((r) => [r.connection_id, r]));
  expect(Number(rows.get(read)!.access_token_expires_at)).toBeGreaterThan(Date.now() + 600_000);
  expect(Number(rows.get(unread)!.access_token_expires_at)).toBeLessThan(Date.now() + 60_000);
  const idleMs = h.server.config.refreshAhead.touchIdleAfterSeconds * 1000;
  const due = Number(rows.get(keepAlive)!.keepalive_due_at);
  const refreshedAt = Number(rows.get(keepAlive)!.last_refreshed_at);
  expect(due - refreshedAt).toBeGreaterThanOrEqual(0.8 * idleMs);
  expect(due - refreshedAt).toBeLessThanOrEqual(idleMs);

  // The idle connection's next read refreshes on demand (the budget does not stand in a reader's way).
  const res = await readWithRefresh(b, unread);
  expect(res.status).toBe(200);
  expect(refreshRequests() - before).toBe(3);
});

it("the token request budget is shared by both instances' passes; a reader's refresh is counted but never refused", async () => {
  const now = Date.now();
  await h.server.db
    .updateTable("connections")
    .set({ access_token_expires_at: now + 1000, last_fetched_at: now })
    .where("connection_id", "in", ids)
    .execute();
  const before = refreshRequests();
  const startedAt = Date.now();
  const [a1, b1] = await Promise.all([h.server.refreshAhead.runOnce(), b.refreshAhead.runOnce()]);
  const windowsTouched = Math.floor(Date.now() / 60_000) - Math.floor(startedAt / 60_000) + 1;
  // One request per minute for the whole app, whichever instance made it (a pass that
  // found the other instance refreshing a connection waited for it and counts it as refreshed too).
  expect(a1 + b1).toBeGreaterThanOrEqual(1);
  const sent = refreshRequests() - before;
  const windows = await h.server.db.selectFrom("token_request_windows").select("count").execute();
  expect(windows.every((w) => Number(w.count) <= 1)).toBe(true);
  expect(sent).toBe(windows.reduce((sum, w) => sum + Number(w.count), 0));
  expect(sent).toBeGreaterThanOrEqual(1);
  expect(sent).toBeLessThanOrEqual(windowsTouched);

  // A reader who needs a refresh gets it although the window is spent.
  const waiting = (await rowsOf(ids)).find((r) => Number(r.access_token_expires_at) < Date.now() + 60_000)!;
  const res = await readWithRefresh(b, waiting.connection_id);
  expect(res.status).toBe(200);
  expect(refreshRequests() - before).toBe(sent + 1);
});

it("Entra's throttling (429, AADSTS50196) pauses background refreshes on every instance; readers get a fast 503 with Retry-After instead of retries", async () => {
  // One connection holds an access token that expires in a second (the others' last for an hour).
  h.emulator.setAccessTokenLifetimeSeconds(1);
  const short = await readWithRefresh(b, ids[0]!);
  h.emulator.setAccessTokenLifetimeSeconds(3600);
  expect(short.status).toBe(200);
  const shortExpiresAt = Date.parse(((await short.json()) as { credentials: { expires_at: string } }).credentials.expires_at);
  await h.server.db.deleteFrom("token_request_windows").execute();
  const now = Date.now();
  await h.server.db
    .updateTable("connections")
    .set({ access_token_expires_at: now + 1000, last_fetched_at: now })
    .where("connection_id", "in", ids)
    .execute();
  h.emulator.injectTokenErrors("refresh_token", [
    {
      status: 429,
      error: "temporarily_unavailable",
      aadsts: 50196,
      description: "The server terminated an operation because it encountered a client request loop.",
      retryAfterSeconds: 30,
    },
  ]);
  const before = refreshRequests();
  expect(await h.server.refreshAhead.runOnce()).toBe(0);
  expect(refreshRequests() - before).toBe(1);
  const throttle = await h.server.db.selectFrom("token_throttle").select("until").executeTakeFirstOrThrow();
  expect(Number(throttle.until)).toBeGreaterThan(Date.now() + 20_000);

  // The other instance's pass sends nothing while Entra throttles.
  await b.db.deleteFrom("token_request_windows").execute();
  expect(await b.refreshAhead.runOnce()).toBe(0);
  expect(refreshRequests() - before).toBe(1);

  // A reader asking for a refresh while its token is still good gets that token, without a request to Microsoft.
  const kept = await readWithRefresh(b, ids[1]!);
  expect(kept.status).toBe(200);
  expect(refreshRequests() - before).toBe(1);
  // A reader whose token has expired gets a clear 503 with Retry-After, again without a request.
  while (Date.now() < shortExpiresAt + 1000) await new Promise((r) => setTimeout(r, 50));
  const res = await fetch(`${b.url}/connections/${encodeURIComponent(ids[0]!)}`, { headers: { authorization: `Bearer ${h.secretKey}` } });
  expect(res.status).toBe(503);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(20);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe("provider_temporarily_unavailable");
  expect(refreshRequests() - before).toBe(1);
  // The connections themselves are fine.
  const statuses = await h.server.db.selectFrom("connections").select("status").where("connection_id", "in", ids).execute();
  expect(statuses.every((s) => s.status === "connected")).toBe(true);
});

it("a pass works through due connections concurrently: one slow answer from Microsoft does not hold up the others", async () => {
  await h.server.db.deleteFrom("token_request_windows").execute();
  const now = Date.now();
  await h.server.db
    .updateTable("connections")
    .set({ keepalive_due_at: now - 1000 })
    .where("connection_id", "in", ids)
    .execute();
  // Room for all four in this window (the budget is tested above).
  await h.server.db
    .insertInto("token_request_windows")
    .values({ window_start: Math.floor(now / 60_000) * 60_000, count: -10 })
    .onConflict((oc) => oc.column("window_start").doUpdateSet({ count: -10 }))
    .execute();
  const hold = h.emulator.holdNextTokenResponse("refresh_token");
  const pass = h.server.refreshAhead.runOnce();
  await hold.held;
  // While Microsoft's first answer is held, the other three are refreshed.
  for (;;) {
    const rows = await rowsOf(ids);
    if (rows.filter((r) => Number(r.keepalive_due_at) > Date.now()).length >= 3) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  hold.release();
  expect(await pass).toBe(4);
});
