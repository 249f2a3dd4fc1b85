import { Writable } from "node:stream";
import { CONNECT_SUCCESS } from "@ads-connect/shared";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { createSlackAlerter } from "../alerts/slackAlerter.js";
import { createLogger } from "../logger.js";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";
import { SYNC_CLAIM_MS } from "./accountSync.js";

// Instances on one PostgreSQL whose clocks disagree: the account sync's claim, its retry after a
// failure and the Slack alerts' de-duplication are judged by the database's clock, so an instance
// running far ahead neither takes another one's live claim nor sends again an alert sent within the
// window, and one running behind does not make a failed sync due again at once. Before, each instance
// compared the stored times with its own clock (as leaseClockSkew.pg.test.ts shows for the leases).
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off", SYNCS: "off", ACCOUNT_SYNC: "off" } });
});
afterAll(() => h.close());
afterEach(() => {
  vi.restoreAllMocks();
});

/** Far more than the account sync's claim (5 minutes) and the alerts' window below. */
const SKEW_MS = 30 * 60_000;
const realNow = Date.now.bind(Date);
/** The instance's clock runs ahead (as the chaos run's preload does it: the process's Date.now). */
const runAhead = () => vi.spyOn(Date, "now").mockImplementation(() => realNow() + SKEW_MS);

async function connect(username: string, endUserId: string): Promise<string> {
  const session = await h.createSession({ end_user: { id: endUserId, email: "owner@product.example" } });
  const { result } = await connectAs(h, username, { token: session.token });
  if (result.type !== CONNECT_SUCCESS) throw new Error(`connect failed: ${JSON.stringify(result)}`);
  return result.connection_id;
}

it("an account sync claimed by another instance is not taken by an instance whose clock runs ahead; a due one is", async () => {
  const claimedId = await connect("megan@contoso.example", "claimed-user");
  const dueId = await connect("adele@contoso.example", "due-user");
  // Instance A claimed one connection's sync (its claim ends SYNC_CLAIM_MS from now, real time); the other is due.
  await h.server.db
    .updateTable("connections")
    .set({ accounts_sync_due_at: realNow() + SYNC_CLAIM_MS })
    .where("connection_id", "=", claimedId)
    .execute();
  await h.server.db
    .updateTable("connections")
    .set({ accounts_sync_due_at: realNow() - 1 })
    .where("connection_id", "=", dueId)
    .execute();
  const searches = h.ads.callCount("Accounts/Search");

  runAhead();
  expect(await h.server.accountSyncJob.runOnce()).toBe(1);
  vi.restoreAllMocks();

  expect(h.ads.callCount("Accounts/Search") - searches).toBe(1);
  const rows = await h.server.db.selectFrom("connections").select(["connection_id", "accounts_sync_due_at"]).execute();
  const due = new Map(rows.map((r) => [r.connection_id, r.accounts_sync_due_at!]));
  // A's claim is untouched; the one run is next due an interval (6 h) from the database's now, not from the skewed clock's.
  expect(due.get(claimedId)).toBeLessThanOrEqual(realNow() + SYNC_CLAIM_MS);
  expect(due.get(dueId)).toBeGreaterThan(realNow() + 5 * 3600_000);
  expect(due.get(dueId)).toBeLessThanOrEqual(realNow() + 6 * 3600_000);
});

it("an alert sent by another instance within the window is not sent again by an instance whose clock runs ahead", async () => {
  const logger = createLogger("debug", new Writable({ write: (_chunk, _enc, done) => done() }));
  const alerter = () => createSlackAlerter({ store: h.server.services.stores.alerts, url: h.slack.url, dedupSeconds: 600, logger });
  const alert = { key: "dead_grant:skew-1", text: ":warning: connection skew-1 has expired" };
  const sent = () => h.slack.received.filter((r) => r.rawBody.includes("skew-1")).length;

  // Instance A sends it (its clock right).
  await alerter().alert(alert);
  expect(sent()).toBe(1);
  // Instance B, 30 minutes ahead, hears of the same problem 10-minute window or not: suppressed.
  runAhead();
  await alerter().alert(alert);
  vi.restoreAllMocks();
  expect(sent()).toBe(1);

  // A claim in flight (A still asking Slack) holds the key for B too.
  const other = { key: "dead_grant:skew-2", text: ":warning: connection skew-2 has expired" };
  const store = h.server.services.stores.alerts;
  const claim = await store.claim(other.key, 600_000, 60_000);
  expect(claim).not.toBeNull();
  runAhead();
  await alerter().alert(other);
  vi.restoreAllMocks();
  expect(h.slack.received.filter((r) => r.rawBody.includes("skew-2"))).toHaveLength(0);
});

it("a failed account sync on an instance whose clock runs behind is not due again at once: its retry is timed by the database's clock", async () => {
  const id = await connect("three@contoso.example", "behind-user");
  // Only this connection's sync is due.
  await h.server.db
    .updateTable("connections")
    .set({ accounts_sync_due_at: realNow() + 3_600_000 })
    .execute();
  await h.server.db
    .updateTable("connections")
    .set({ accounts_sync_due_at: realNow() - 1 })
    .where("connection_id", "=", id)
    .execute();
  h.ads.injectFault(0, { operation: "Accounts/Search", times: 1 });
  const searches = h.ads.callCount("Accounts/Search");

  vi.spyOn(Date, "now").mockImplementation(() => realNow() - SKEW_MS);
  expect(await h.server.accountSyncJob.runOnce()).toBe(1);
  vi.restoreAllMocks();
  expect(h.ads.callCount("Accounts/Search") - searches).toBe(1);

  // The retry is a back-off (a minute or more) from the database's now, not from the clock 30 minutes behind.
  const row = await h.server.db
    .selectFrom("connections")
    .select(["accounts_sync_due_at", "accounts_error"])
    .where("connection_id", "=", id)
    .executeTakeFirstOrThrow();
  expect(row.accounts_error).not.toBeNull();
  expect(row.accounts_sync_due_at).toBeGreaterThan(realNow() + 30_000);
  expect(await h.server.accountSyncJob.runOnce()).toBe(0);
  expect(h.ads.callCount("Accounts/Search") - searches).toBe(1);
});
