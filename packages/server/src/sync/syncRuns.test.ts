import { CAMPAIGN_MODEL, CAMPAIGN_PERFORMANCE_DAILY_MODEL, CONNECT_SUCCESS, type SyncWebhookBody } from "@ads-connect/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../server.js";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";

// How sync runs share out and survive: several instances, Microsoft's call-rate holds, large accounts.
let h: Harness;
let other: RunningServer;
beforeAll(async () => {
  h = await startHarness({ env: { SYNCS: "off", SYNC_BACKFILL_DAYS: "10", SYNC_LOOKBACK_DAYS: "5" }, ads: { reportPollsBeforeReady: 0 } });
  other = await h.startInstance();
});
afterAll(async () => {
  await other.close();
  await h.close();
});

async function connect(username: string): Promise<string> {
  const { result } = await connectAs(h, username);
  if (result.type !== CONNECT_SUCCESS) throw new Error(`connect failed: ${JSON.stringify(result)}`);
  return result.connection_id;
}

const recordCount = async (connectionId: string, model: string) =>
  Number(
    (
      await h.server.db
        .selectFrom("sync_records")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("connection_id", "=", connectionId)
        .where("model", "=", model)
        .executeTakeFirstOrThrow()
    ).n,
  );

const syncHooks = (connectionId: string): SyncWebhookBody[] =>
  h.webhooks.received
    .map((w) => JSON.parse(w.rawBody) as SyncWebhookBody)
    .filter((b) => b.type === "sync" && b.connectionId === connectionId && b.syncName !== "accounts");

async function hooksAfter(connectionId: string, count: number): Promise<SyncWebhookBody[]> {
  while (syncHooks(connectionId).length < count) await h.webhooks.waitFor(h.webhooks.received.length + 1);
  return syncHooks(connectionId);
}

describe("sync runs", () => {
  it("two instances run each sync of a connection once", async () => {
    const id = await connect("three@contoso.example");
    const before = { query: h.ads.callCount("Campaigns/QueryByAccountId"), submit: h.ads.callCount("GenerateReport/Submit") };
    const ran = await Promise.all([h.server.syncJob.runOnce(), other.syncJob.runOnce()]);
    expect(ran[0] + ran[1]).toBe(2);
    expect(h.ads.callCount("Campaigns/QueryByAccountId") - before.query).toBe(3);
    expect(h.ads.callCount("GenerateReport/Submit") - before.submit).toBe(3);
    expect(await recordCount(id, CAMPAIGN_PERFORMANCE_DAILY_MODEL)).toBe(90);
    expect(await Promise.all([h.server.syncJob.runOnce(), other.syncJob.runOnce()])).toEqual([0, 0]);
  });

  it("117 in the middle of a run: it resumes after the hold without losing or duplicating rows, one webhook for the run", async () => {
    const username = "agency@contoso.example";
    const id = await connect(username);
    await h.api("POST", "/sync/pause", { provider_config_key: "microsoft-ads", connection_id: id, syncs: ["campaigns"] });
    // The second account's report submit gets 117: the first account's rows are written already.
    h.ads.injectFault(117, { operation: "GenerateReport/Submit", after: 1 });
    expect(await h.server.syncJob.runOnce()).toBe(1);
    const written = await recordCount(id, CAMPAIGN_PERFORMANCE_DAILY_MODEL);
    expect(written).toBe(30);
    const status = await h.api("GET", `/sync/status?provider_config_key=microsoft-ads&syncs=campaign-performance-daily&connection_id=${id}`);
    expect(status.json).toMatchObject({ syncs: [{ status: "RUNNING", lastError: { code: "msads_rate_limited" } }] });
    // Held: nothing runs before the hold ends.
    const submits = h.ads.callCount("GenerateReport/Submit");
    expect(await other.syncJob.runOnce()).toBe(0);
    expect(h.ads.callCount("GenerateReport/Submit")).toBe(submits);
    expect(syncHooks(id)).toEqual([]);

    // The hold ends (moved, not waited for): the run resumes on the other instance from the second account.
    await h.server.db
      .updateTable("proxy_holds")
      .set({ until: Date.now() - 1 })
      .execute();
    await h.server.db
      .updateTable("sync_schedules")
      .set({ due_at: Date.now() - 1 })
      .where("connection_id", "=", id)
      .where("sync_name", "=", "campaign-performance-daily")
      .execute();
    expect(await other.syncJob.runOnce()).toBe(1);
    expect(h.ads.callCount("GenerateReport/Submit") - submits).toBe(4);
    const accounts = h.ads.accounts(username).length;
    expect(await recordCount(id, CAMPAIGN_PERFORMANCE_DAILY_MODEL)).toBe(accounts * 3 * 10);
    const hooks = await hooksAfter(id, 1);
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({
      model: CAMPAIGN_PERFORMANCE_DAILY_MODEL,
      syncType: "INITIAL",
      responseResults: { added: accounts * 30, updated: 0, deleted: 0 },
    });
  });

  it("performance rows older than SYNC_PERFORMANCE_RETENTION_DAYS are deleted", async () => {
    const id = await connect("megan@contoso.example");
    await h.api("POST", "/sync/pause", { provider_config_key: "microsoft-ads", connection_id: id, syncs: ["campaigns"] });
    const keeping = await h.startInstance({ SYNC_PERFORMANCE_RETENTION_DAYS: "3" });
    try {
      expect(await keeping.syncJob.runOnce()).toBe(1);
    } finally {
      await keeping.close();
    }
    const days = await h.server.db.selectFrom("sync_records").select("record_date").distinct().where("connection_id", "=", id).execute();
    const oldest = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    expect(days.length).toBeGreaterThan(0);
    expect(days.every((d) => d.record_date! >= oldest)).toBe(true);
  });

  it("an account with 10,000 campaigns syncs them all", async () => {
    const id = await connect("bigcampaigns@contoso.example");
    await h.api("POST", "/sync/pause", { provider_config_key: "microsoft-ads", connection_id: id, syncs: ["campaign-performance-daily"] });
    expect(await h.server.syncJob.runOnce()).toBe(1);
    expect(await recordCount(id, CAMPAIGN_MODEL)).toBe(10_000);
    const [hook] = await hooksAfter(id, 1);
    expect(hook!.responseResults).toEqual({ added: 10_000, updated: 0, deleted: 0 });
  });
});
