import { CAMPAIGN_MODEL, CONNECT_SUCCESS } from "@ads-connect/shared";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";

// Sync runs' token refreshes are background work: they take from TOKEN_REQUESTS_PER_MINUTE like
// refresh-ahead does, and a run the budget (or Entra's throttling) refuses is postponed, not failed.
const CAP = 3;
let h: Harness;
const ids: string[] = [];
beforeAll(async () => {
  h = await startHarness({ env: { SYNCS: "off", REFRESH_AHEAD: "off", PRUNE: "off", TOKEN_REQUESTS_PER_MINUTE: String(CAP) } });
  // Four connections (one Microsoft account connected by four end users), campaigns sync only.
  for (const endUser of ["eu-1", "eu-2", "eu-3", "eu-4"]) {
    const { token } = await h.createSession({ end_user: { id: endUser } });
    const { result } = await connectAs(h, "adele@contoso.example", { token });
    if (result.type !== CONNECT_SUCCESS) throw new Error(`connect failed: ${JSON.stringify(result)}`);
    ids.push(result.connection_id);
    await h.api("POST", "/sync/pause", { provider_config_key: "microsoft-ads", connection_id: result.connection_id, syncs: ["campaign-performance-daily"] });
  }
});
afterAll(() => h.close());

beforeEach(async () => {
  // Every connection holds an access token inside TOKEN_MIN_VALIDITY_SECONDS: its next use refreshes it.
  h.emulator.setAccessTokenLifetimeSeconds(60);
  for (const id of ids) {
    const res = await h.api("GET", `/connections/${id}?force_refresh=true`);
    expect(res.status).toBe(200);
  }
  h.emulator.setAccessTokenLifetimeSeconds(3600);
  await h.server.db.deleteFrom("token_request_windows").execute();
  await h.server.db.deleteFrom("token_throttle").execute();
  await h.server.db
    .updateTable("sync_schedules")
    .set({ due_at: Date.now() - 1 })
    .where("sync_name", "=", "campaigns")
    .execute();
});

const refreshRequests = () => h.emulator.stats.tokenRequests.refresh_token;
const schedules = () =>
  h.server.db
    .selectFrom("sync_schedules")
    .select(["connection_id", "status", "last_error", "due_at", "lease_holder", "lease_until", "last_finished_at"])
    .where("sync_name", "=", "campaigns")
    .where("connection_id", "in", ids)
    .execute();
const hasRecords = async (id: string) =>
  (await h.server.db.selectFrom("sync_records").select("record_id").where("connection_id", "=", id).where("model", "=", CAMPAIGN_MODEL).executeTakeFirst()) !==
  undefined;

it("sync runs' token refreshes take from the per-minute budget: Entra sees no more than it allows, the other runs are postponed to the next minute and then run, none fails", async () => {
  await h.server.db.deleteFrom("sync_records").execute();
  // A reader already used one request of this minute; the next minute is spent too, in case the pass
  // runs into it: two requests are left for the pass.
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  await h.server.db
    .insertInto("token_request_windows")
    .values([
      { window_start: minute, count: 1 },
      { window_start: minute + 60_000, count: CAP },
    ])
    .execute();
  const before = refreshRequests();
  const passStarted = Date.now();
  await h.server.syncJob.runOnce();
  expect(refreshRequests() - before).toBe(CAP - 1);
  const afterFirst = await schedules();
  const done = afterFirst.filter((s) => s.status === "SUCCESS" && s.last_finished_at !== null && Number(s.last_finished_at) >= passStarted);
  const postponed = afterFirst.filter((s) => !done.includes(s));
  expect(done).toHaveLength(CAP - 1);
  expect(postponed).toHaveLength(ids.length - (CAP - 1));
  for (const s of postponed) {
    // Not an error, nothing written, the lease given back, due when a minute with room begins.
    expect(s.status).not.toBe("ERROR");
    expect(s.last_error).toBeNull();
    expect(s.lease_holder).toBeNull();
    expect(s.lease_until).toBeNull();
    expect(Number(s.due_at) % 60_000).toBe(0);
    expect(Number(s.due_at)).toBeGreaterThan(passStarted);
    expect(await hasRecords(s.connection_id)).toBe(false);
  }
  const status = await h.api("GET", `/sync/status?provider_config_key=microsoft-ads&syncs=campaigns&connection_id=${postponed[0]!.connection_id}`);
  expect(status.json).toMatchObject({ syncs: [{ lastError: null }] });
  expect(status.json).not.toMatchObject({ syncs: [{ status: "ERROR" }] });

  // Before they are due nothing runs and nothing is asked of Entra.
  expect(await h.server.syncJob.runOnce()).toBe(0);
  expect(refreshRequests() - before).toBe(CAP - 1);

  // The next minute (moved, not waited for): the postponed runs refresh and run.
  await h.server.db.deleteFrom("token_request_windows").execute();
  await h.server.db
    .updateTable("sync_schedules")
    .set({ due_at: Date.now() - 1 })
    .where(
      "connection_id",
      "in",
      postponed.map((s) => s.connection_id),
    )
    .where("sync_name", "=", "campaigns")
    .execute();
  expect(await h.server.syncJob.runOnce()).toBe(postponed.length);
  expect(refreshRequests() - before).toBe(ids.length);
  const end = await schedules();
  expect(end.every((s) => s.status === "SUCCESS" && s.last_error === null)).toBe(true);
  for (const id of ids) expect(await hasRecords(id)).toBe(true);
});

it("Entra throttling a sync run's refresh postpones the runs until the throttling ends, without an error", async () => {
  h.emulator.injectTokenErrors("refresh_token", [
    {
      status: 429,
      error: "temporarily_unavailable",
      aadsts: 50196,
      description: "The server terminated an operation because of a request loop.",
      retryAfterSeconds: 30,
    },
  ]);
  const before = refreshRequests();
  const passStarted = Date.now();
  await h.server.syncJob.runOnce();
  // One request, answered 429; every run waits for the throttling to end.
  expect(refreshRequests() - before).toBe(1);
  const throttle = await h.server.db.selectFrom("token_throttle").select("until").executeTakeFirstOrThrow();
  expect(Number(throttle.until)).toBeGreaterThan(passStarted + 20_000);
  for (const s of await schedules()) {
    expect(s.status).not.toBe("ERROR");
    expect(s.last_error).toBeNull();
    expect(s.lease_holder).toBeNull();
    expect(Number(s.due_at)).toBe(Number(throttle.until));
  }
});

it("a 109 in the middle of a run whose refresh the budget refuses: the run is postponed with its progress and resumes where it stopped", async () => {
  const username = "agency@contoso.example";
  const { token } = await h.createSession({ end_user: { id: "eu-agency" } });
  const { result } = await connectAs(h, username, { token });
  if (result.type !== CONNECT_SUCCESS) throw new Error(`connect failed: ${JSON.stringify(result)}`);
  const id = result.connection_id;
  await h.api("POST", "/sync/pause", { provider_config_key: "microsoft-ads", connection_id: id, syncs: ["campaign-performance-daily"] });
  // Only this connection's run is due; this minute and the next have no room left.
  await h.server.db
    .updateTable("sync_schedules")
    .set({ due_at: Date.now() + 3_600_000 })
    .where("connection_id", "in", ids)
    .execute();
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  await h.server.db
    .insertInto("token_request_windows")
    .values([
      { window_start: minute, count: CAP },
      { window_start: minute + 60_000, count: CAP },
    ])
    .execute();
  const accounts = h.ads.accounts(username).length;
  expect(accounts).toBeGreaterThan(1);
  // The second account's query: Microsoft refuses the token (109), a new one is needed.
  h.ads.injectFault(109, { operation: "Campaigns/QueryByAccountId", after: 1 });
  const before = { refresh: refreshRequests(), query: h.ads.callCount("Campaigns/QueryByAccountId") };
  expect(await h.server.syncJob.runOnce()).toBe(1);
  expect(refreshRequests()).toBe(before.refresh);
  const held = await h.server.db
    .selectFrom("sync_schedules")
    .selectAll()
    .where("connection_id", "=", id)
    .where("sync_name", "=", "campaigns")
    .executeTakeFirstOrThrow();
  expect(held).toMatchObject({ status: "RUNNING", last_error: null, lease_holder: null, lease_until: null });
  expect(Number(held.due_at) % 60_000).toBe(0);
  expect(JSON.parse(held.run_state!)).toMatchObject({ done: [expect.any(String)] });

  // The next minute: the run reads only the accounts it had not done (its stored token, valid, serves).
  await h.server.db.deleteFrom("token_request_windows").execute();
  await h.server.db
    .updateTable("sync_schedules")
    .set({ due_at: Date.now() - 1 })
    .where("connection_id", "=", id)
    .where("sync_name", "=", "campaigns")
    .execute();
  const query = h.ads.callCount("Campaigns/QueryByAccountId");
  expect(await h.server.syncJob.runOnce()).toBe(1);
  expect(refreshRequests()).toBe(before.refresh);
  expect(h.ads.callCount("Campaigns/QueryByAccountId") - query).toBe(accounts - 1);
  const done = await h.server.db
    .selectFrom("sync_schedules")
    .selectAll()
    .where("connection_id", "=", id)
    .where("sync_name", "=", "campaigns")
    .executeTakeFirstOrThrow();
  expect(done).toMatchObject({ status: "SUCCESS", last_error: null, run_state: null });
});
