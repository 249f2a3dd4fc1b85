import {
  CAMPAIGN_MODEL,
  CAMPAIGN_PERFORMANCE_DAILY_MODEL,
  CampaignPerformanceDailyRecordSchema,
  CampaignRecordSchema,
  CONNECT_SUCCESS,
  RecordsResponseSchema,
  type SyncWebhookBody,
  SyncWebhookBodySchema,
} from "@ads-connect/shared";
import { Nango } from "@nangohq/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";

// The campaign and daily performance syncs end to end: connect, runs of the sync job, records,
// webhooks, Nango's client. One server for the file; the job runs only when a test asks (SYNCS=off).
let h: Harness;
let nango: Nango;
beforeAll(async () => {
  h = await startHarness({ env: { SYNCS: "off", SYNC_BACKFILL_DAYS: "10", SYNC_LOOKBACK_DAYS: "5" }, ads: { reportPollsBeforeReady: 0 } });
  nango = new Nango({ host: h.server.url, secretKey: h.secretKey });
});
afterAll(() => h.close());

async function connect(username: string): Promise<string> {
  const { result } = await connectAs(h, username);
  if (result.type !== CONNECT_SUCCESS) throw new Error(`connect failed: ${JSON.stringify(result)}`);
  return result.connection_id;
}

/** Every record of a model, page after page. */
async function records(connectionId: string, model: string, query = ""): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const res = await h.api("GET", `/records?model=${model}&limit=1000${query}${cursor ? `&cursor=${cursor}` : ""}`, undefined, {
      "Connection-Id": connectionId,
      "Provider-Config-Key": "microsoft-ads",
    });
    expect(res.status).toBe(200);
    const page = RecordsResponseSchema.parse(res.json);
    out.push(...(page.records as Record<string, unknown>[]));
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

const syncHooks = (connectionId: string): SyncWebhookBody[] =>
  h.webhooks.received
    .map((w) => JSON.parse(w.rawBody) as { type: string; connectionId: string })
    .filter((b) => b.type === "sync" && b.connectionId === connectionId)
    .map((b) => SyncWebhookBodySchema.parse(b))
    .filter((b) => b.syncName !== "accounts");

/** Waits for the connection's `count`-th campaign sync webhook (the outbox sends them soon after the run). */
async function hooksAfter(connectionId: string, count: number): Promise<SyncWebhookBody[]> {
  while (syncHooks(connectionId).length < count) await h.webhooks.waitFor(h.webhooks.received.length + 1);
  return syncHooks(connectionId);
}

const trigger = (connectionId: string, syncs: string[], reset = false) =>
  h.api("POST", "/sync/trigger", { provider_config_key: "microsoft-ads", connection_id: connectionId, syncs, opts: { reset } });

describe("campaign and daily performance syncs", () => {
  let id: string;
  const username = "three@contoso.example";

  it("a connect with three selected accounts gives campaign and performance records and one sync webhook per model", async () => {
    id = await connect(username);
    expect(await h.server.syncJob.runOnce()).toBe(2);
    const accounts = h.ads.accounts(username);
    expect(accounts).toHaveLength(3);
    const campaigns = (await records(id, CAMPAIGN_MODEL)).map((r) => CampaignRecordSchema.parse(r));
    // Every type: the seeded Shopping campaign too.
    expect(campaigns).toHaveLength(9);
    expect(new Set(campaigns.map((c) => c.account_id))).toEqual(new Set(accounts.map((a) => a.Id)));
    expect(campaigns.find((c) => c.type === "Shopping")).toMatchObject({ currency: "USD", budget: { amount: "60.00" } });
    const days = (await records(id, CAMPAIGN_PERFORMANCE_DAILY_MODEL)).map((r) => CampaignPerformanceDailyRecordSchema.parse(r));
    expect(days).toHaveLength(9 * 10);
    expect(days[0]!.id).toBe(`${days[0]!.account_id}:${days[0]!.campaign_id}:${days[0]!.date}`);
    expect(days[0]!.spend).toMatch(/^\d+\.\d\d$/);
    const hooks = await hooksAfter(id, 2);
    expect(hooks.map((b) => [b.model, b.syncType, b.responseResults])).toEqual(
      expect.arrayContaining([
        [CAMPAIGN_MODEL, "INITIAL", { added: 9, updated: 0, deleted: 0 }],
        [CAMPAIGN_PERFORMANCE_DAILY_MODEL, "INITIAL", { added: 90, updated: 0, deleted: 0 }],
      ]),
    );
    expect(hooks).toHaveLength(2);
    // modifiedAfter gives exactly the run's changes.
    const hook = hooks.find((b) => b.model === CAMPAIGN_MODEL)!;
    expect(await records(id, CAMPAIGN_MODEL, `&modified_after=${encodeURIComponent(hook.modifiedAfter)}`)).toHaveLength(9);
    // Each run is a sync/run operation in the operation log, with its persisted results.
    await h.server.services.operations.flush();
    const ops = (await h.api("GET", `/logs/operations?connection_id=${id}&type=sync`)).json as { operations: { id: string; action: string; state: string }[] };
    expect(ops.operations.map((o) => [o.action, o.state])).toEqual([
      ["run", "success"],
      ["run", "success"],
    ]);
    const detail = (await h.api("GET", `/logs/operations/${ops.operations[0]!.id}`)).json as { messages: { persistResults?: { model: string } }[] };
    expect(detail.messages.some((m) => m.persistResults !== undefined)).toBe(true);
  });

  it("a campaign renamed, one paused and one deleted: the next run reports 0 added, 2 updated, 1 deleted", async () => {
    const [account] = h.ads.accounts(username);
    const [brand, generic, products] = h.ads.campaigns(account!.Id);
    h.ads.updateCampaign(brand!.Id, { Name: "Brand (renamed)" });
    h.ads.setCampaignStatus(products!.Id, "Paused");
    h.ads.setCampaignStatus(generic!.Id, "Deleted");
    expect((await trigger(id, ["campaigns"])).json).toEqual({ success: true });
    expect(await h.server.syncJob.runOnce()).toBe(1);
    const hooks = await hooksAfter(id, 3);
    expect(hooks[2]).toMatchObject({ model: CAMPAIGN_MODEL, syncType: "INCREMENTAL", responseResults: { added: 0, updated: 2, deleted: 1 } });
    const deleted = await records(id, CAMPAIGN_MODEL, "&filter=deleted");
    expect(deleted.map((r) => r.id)).toEqual([generic!.Id]);
    const updated = (await records(id, CAMPAIGN_MODEL, "&filter=updated")).map((r) => CampaignRecordSchema.parse(r));
    expect(updated.map((r) => [r.id, r.name, r.status])).toEqual(
      expect.arrayContaining([
        [brand!.Id, "Brand (renamed)", "Active"],
        [products!.Id, products!.Name, "Paused"],
      ]),
    );
  });

  it("late conversions on a past day update that day's record only", async () => {
    const [account] = h.ads.accounts(username);
    const [brand] = h.ads.campaigns(account!.Id);
    const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const recordId = `${account!.Id}:${brand!.Id}:${day}`;
    const before = CampaignPerformanceDailyRecordSchema.parse((await records(id, CAMPAIGN_PERFORMANCE_DAILY_MODEL, `&ids=${recordId}`))[0]);
    h.ads.addLateConversions(brand!.Id, day, 2);
    await trigger(id, ["campaign-performance-daily"]);
    await h.server.syncJob.runOnce();
    const hooks = await hooksAfter(id, 4);
    expect(hooks[3]).toMatchObject({ model: CAMPAIGN_PERFORMANCE_DAILY_MODEL, syncType: "INCREMENTAL", responseResults: { added: 0, updated: 1, deleted: 0 } });
    const updated = (await records(id, CAMPAIGN_PERFORMANCE_DAILY_MODEL, "&filter=updated")).map((r) => CampaignPerformanceDailyRecordSchema.parse(r));
    expect(updated.map((r) => r.id)).toEqual([recordId]);
    expect(Number(updated[0]!.conversions)).toBe(Number(before.conversions) + 2);
    expect(Number(updated[0]!.revenue)).toBeCloseTo(Number(before.revenue) + 100, 2);
  });

  it("pause, start, trigger and status through the unmodified @nangohq/node client", async () => {
    await nango.pauseSync("microsoft-ads", ["campaigns"], id);
    let status = (await nango.syncStatus("microsoft-ads", "*", id)) as { syncs: { name: string; status: string; recordCount: Record<string, number> }[] };
    expect(status.syncs.map((s) => [s.name, s.status])).toEqual([
      ["campaign-performance-daily", "SUCCESS"],
      ["campaigns", "PAUSED"],
    ]);
    expect(status.syncs[1]!.recordCount).toEqual({ Campaign: 8 });
    // A paused sync is not run, even when triggered.
    await nango.triggerSync("microsoft-ads", ["campaigns"], id);
    const before = h.ads.callCount("Campaigns/QueryByAccountId");
    expect(await h.server.syncJob.runOnce()).toBe(0);
    expect(h.ads.callCount("Campaigns/QueryByAccountId")).toBe(before);
    await nango.startSync("microsoft-ads", ["campaigns"], id);
    expect(await h.server.syncJob.runOnce()).toBe(1);
    expect(h.ads.callCount("Campaigns/QueryByAccountId")).toBe(before + 3);
    expect(await nango.updateSyncConnectionFrequency("microsoft-ads", "campaigns", id, "every 2 hours")).toEqual({ frequency: 7200 });
    status = (await nango.syncStatus("microsoft-ads", ["campaigns"], id)) as typeof status;
    expect(status.syncs).toEqual([expect.objectContaining({ name: "campaigns", status: "SUCCESS", frequency: "every 2 hours", type: "INCREMENTAL" })]);
    const page = await nango.listRecords({ providerConfigKey: "microsoft-ads", connectionId: id, model: CAMPAIGN_MODEL, filter: "deleted" });
    expect(page.records).toHaveLength(1);
    // A full resync through Nango's opts.reset: reported as INITIAL.
    await nango.triggerSync("microsoft-ads", ["campaigns"], id, { reset: true });
    expect(await h.server.syncJob.runOnce()).toBe(1);
    expect((await nango.syncStatus("microsoft-ads", ["campaigns"], id)) as typeof status).toMatchObject({ syncs: [{ status: "SUCCESS" }] });
  });

  it("bad input is a clear 4xx", async () => {
    expect((await trigger(id, ["nope"])).json).toMatchObject({ error: { code: "invalid_body" } });
    const freq = await h.api("PUT", "/sync/update-connection-frequency", {
      provider_config_key: "microsoft-ads",
      connection_id: id,
      sync_name: "campaigns",
      frequency: "every 2 seconds",
    });
    expect(freq.status).toBe(400);
    expect((await h.api("GET", "/sync/status?provider_config_key=microsoft-ads&syncs=*&connection_id=nope")).status).toBe(404);
  });

  it("deleting the connection deletes its records and schedules", async () => {
    expect((await h.api("DELETE", `/connections/${id}?provider_config_key=microsoft-ads`)).status).toBe(200);
    const left = await h.server.db.selectFrom("sync_records").select("record_id").where("connection_id", "=", id).execute();
    expect(left).toEqual([]);
    expect(await h.server.db.selectFrom("sync_schedules").select("sync_name").where("connection_id", "=", id).execute()).toEqual([]);
  });
});
