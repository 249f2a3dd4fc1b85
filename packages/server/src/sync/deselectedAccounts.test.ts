import { CAMPAIGN_MODEL, CAMPAIGN_PERFORMANCE_DAILY_MODEL, CONNECT_SUCCESS, RecordsResponseSchema, SyncWebhookBodySchema } from "@ads-connect/shared";
import type { PluginTransformQueryArgs, PluginTransformResultArgs } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SyncRecordStore } from "../store/syncRecordStore.js";
import { BrowserClient } from "../testing/browserClient.js";
import { connectAs, type Harness, startHarness, submitPicker, submitStart } from "../testing/harness.js";
import { decodeRecordCursor } from "../util/recordCursor.js";
import { retireRecords } from "./applyRecords.js";

// When the end user chooses other accounts, the records of the accounts left out go as Nango's go:
// marked DELETED by the next runs (made due at once), counted in their webhooks, seen through modified_after.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { SYNCS: "off", SYNC_BACKFILL_DAYS: "3", SYNC_LOOKBACK_DAYS: "2" }, ads: { reportPollsBeforeReady: 0 } });
});
afterAll(() => h.close());

const MODELS = [CAMPAIGN_MODEL, CAMPAIGN_PERFORMANCE_DAILY_MODEL];
const COUNT = 3000;

interface Row {
  id: string;
  account_id: string;
  _nango_metadata: { last_action: string; deleted_at: string | null; last_modified_at: string; cursor: string };
}

/** Every record of a model through the records API, page after page. */
async function records(connectionId: string, model: string, query = "", limit = 100): Promise<Row[]> {
  const out: Row[] = [];
  let cursor: string | null = null;
  do {
    const res = await h.api("GET", `/records?model=${model}&limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ""}`, undefined, {
      "Connection-Id": connectionId,
      "Provider-Config-Key": "microsoft-ads",
    });
    expect(res.status).toBe(200);
    const page = RecordsResponseSchema.parse(res.json);
    out.push(...(page.records as unknown as Row[]));
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

const syncHooks = (connectionId: string) =>
  h.webhooks.received
    .map((w) => JSON.parse(w.rawBody) as { type: string; connectionId: string })
    .filter((b) => b.type === "sync" && b.connectionId === connectionId)
    .map((b) => SyncWebhookBodySchema.parse(b))
    .filter((b) => b.syncName !== "accounts");

async function hooksAfter(connectionId: string, count: number) {
  while (syncHooks(connectionId).length < count) await h.webhooks.waitFor(h.webhooks.received.length + 1);
  return syncHooks(connectionId);
}

/** Live records per account id. */
async function liveByAccount(connectionId: string, model: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const r of await records(connectionId, model)) if (r._nango_metadata.deleted_at === null) out.set(r.account_id, (out.get(r.account_id) ?? 0) + 1);
  return out;
}

/**
 * After a change of the selection at `changedAt`: the next runs (due at once) mark every record of
 * the `dropped` accounts deleted, seen with modified_after and filter=deleted, counted in their webhooks.
 */
async function expectDropped(connectionId: string, dropped: string[], live: Record<string, Map<string, number>>, hooksBefore: number, changedAt: string) {
  expect(await h.server.syncJob.runOnce()).toBe(2);
  const hooks = (await hooksAfter(connectionId, hooksBefore + 2)).slice(hooksBefore);
  for (const model of MODELS) {
    const expected = dropped.reduce((n, a) => n + (live[model]!.get(a) ?? 0), 0);
    expect(expected, model).toBeGreaterThan(0);
    // Pages of 3: records sharing a cursor would be skipped at a page's edge.
    const changed = await records(connectionId, model, `&modified_after=${encodeURIComponent(changedAt)}`, 3);
    const gone = changed.filter((r) => dropped.includes(r.account_id));
    expect(gone).toHaveLength(expected);
    for (const r of gone) expect(r._nango_metadata).toMatchObject({ last_action: "DELETED", deleted_at: expect.any(String) });
    expectIncreasingCursors(gone);
    const deleted = await records(connectionId, model, "&filter=deleted");
    expect(deleted.filter((r) => dropped.includes(r.account_id))).toHaveLength(expected);
    const stillLive = await liveByAccount(connectionId, model);
    for (const a of dropped) expect(stillLive.has(a)).toBe(false);
    const hook = hooks.find((b) => b.model === model)!;
    expect(hook.responseResults.deleted).toBe(expected);
    expect(Date.parse(hook.modifiedAfter)).toBeLessThanOrEqual(Date.parse(gone[0]!._nango_metadata.last_modified_at));
  }
}

/** Each record its own cursor, increasing in the API's order (a client resuming from any of them misses none). */
function expectIncreasingCursors(rows: Row[]): void {
  const cursors = rows.map((r) => decodeRecordCursor(r._nango_metadata.cursor));
  expect(new Set(cursors).size).toBe(cursors.length);
  for (let i = 1; i < cursors.length; i++) expect(cursors[i]!).toBeGreaterThan(cursors[i - 1]!);
}

describe("changing the chosen accounts", () => {
  const username = "three@contoso.example";
  let id: string;
  let ids: string[];

  it("through PATCH /connections/:id: the records of the accounts left out are deleted by the next runs", async () => {
    const { result } = await connectAs(h, username);
    if (result.type !== CONNECT_SUCCESS) throw new Error(JSON.stringify(result));
    id = result.connection_id;
    ids = h.ads.accounts(username).map((a) => a.Id);
    expect(await h.server.syncJob.runOnce()).toBe(2);
    await hooksAfter(id, 2);
    const live = Object.fromEntries(await Promise.all(MODELS.map(async (m) => [m, await liveByAccount(id, m)] as const)));
    for (const m of MODELS) expect([...live[m]!.keys()].sort(), m).toEqual([...ids].sort());

    const changedAt = new Date().toISOString();
    expect((await h.api("PATCH", `/connections/${id}`, { selected_account_ids: [ids[0]] })).json).toEqual({ success: true });
    await expectDropped(id, [ids[1]!, ids[2]!], live, 2, changedAt);
    // The account kept is untouched.
    for (const m of MODELS) expect((await liveByAccount(id, m)).get(ids[0]!)).toBe(live[m]!.get(ids[0]!));
  });

  it("through the change-accounts picker: likewise", async () => {
    const live = Object.fromEntries(await Promise.all(MODELS.map(async (m) => [m, await liveByAccount(id, m)] as const)));
    const hooksBefore = syncHooks(id).length;
    const session = await h.api("POST", "/connect/sessions/change-accounts", { connection_id: id, integration_id: "microsoft-ads" });
    const { token } = (session.json as { data: { token: string } }).data;
    const browser = new BrowserClient();
    const picker = await submitStart(browser, await browser.get(h.startUrl(token)));
    const changedAt = new Date().toISOString();
    await submitPicker(browser, picker, [ids[1]!]);
    expect((await h.api("GET", `/connections/${id}?provider_config_key=microsoft-ads`)).json).toMatchObject({ selected_account_ids: [ids[1]] });
    await expectDropped(id, [ids[0]!], live, hooksBefore, changedAt);
    // The account chosen again comes back: its campaigns are live (UPDATED) after the runs.
    const campaigns = await records(id, CAMPAIGN_MODEL, `&modified_after=${encodeURIComponent(changedAt)}`);
    expect(campaigns.filter((r) => r.account_id === ids[1]).map((r) => r._nango_metadata.last_action)).toEqual(expect.arrayContaining(["UPDATED"]));
    expect((await liveByAccount(id, CAMPAIGN_MODEL)).has(ids[1]!)).toBe(true);
  });
});

describe("retiring many records", () => {
  it("a few thousand records of an account left out: a few updates, each record deleted with its own increasing cursor", async () => {
    const { result } = await connectAs(h, "megan@contoso.example");
    if (result.type !== CONNECT_SUCCESS) throw new Error(JSON.stringify(result));
    const id = result.connection_id;
    const model = CAMPAIGN_MODEL;
    const kept = await new SyncRecordStore(h.server.db).maxCursor(id, model);
    const at = Date.now() - 60_000;
    const campaign = (n: number) => ({
      id: `c${n}`,
      account_id: "left-out",
      customer_id: "left-out-customer",
      name: `Campaign ${n}`,
      status: "Active",
      type: "Search",
      budget: { amount: null, type: null, shared_budget_id: null },
      currency: "USD",
      time_zone: null,
      bidding_scheme: null,
      languages: [],
      tracking_url_template: null,
      final_url_suffix: null,
    });
    // Stored in an order unlike their record ids, so the new cursors must follow the old ones.
    const rows = Array.from({ length: COUNT }, (_, i) => {
      const n = (i * 7919) % COUNT;
      return {
        connection_id: id,
        model,
        record_id: `left-out-${n}`,
        account_id: "left-out",
        record_date: null,
        data: JSON.stringify(campaign(n)),
        data_hash: `h${n}`,
        first_seen_at: at,
        last_modified_at: at,
        last_action: "ADDED" as const,
        deleted_at: null,
        cursor: kept + 1 + i,
      };
    });
    await new SyncRecordStore(h.server.db).insertMany(rows);
    // Counts the statements the retirement sends (every query passes the plugins).
    let statements = 0;
    const counter = {
      transformQuery: (args: PluginTransformQueryArgs) => {
        statements++;
        return args.node;
      },
      transformResult: async (args: PluginTransformResultArgs) => args.result,
    };
    const accountIds = h.ads.accounts("megan@contoso.example").map((a) => a.Id);
    const now = Date.now();
    const retire = () =>
      h.server.db.transaction().execute((tx) => retireRecords(new SyncRecordStore(tx.withPlugin(counter)), { connectionId: id, model, accountIds, now }));
    const retired = await retire();
    expect(retired).toBe(COUNT);
    // The ids, the highest cursor, then one update per 500 records (it was one update per record).
    expect(statements).toBeLessThanOrEqual(2 + COUNT / 500);

    const deleted = (await records(id, model, "&filter=deleted", 1000)).filter((r) => r.account_id === "left-out");
    expect(deleted).toHaveLength(COUNT);
    for (const r of deleted) expect(r._nango_metadata).toMatchObject({ last_action: "DELETED", deleted_at: new Date(now).toISOString() });
    expectIncreasingCursors(deleted);
    // Cursors after every earlier one, in the records' old order.
    expect(decodeRecordCursor(deleted[0]!._nango_metadata.cursor)).toBe(kept + COUNT + 1);
    expect(deleted.map((r) => r.id)).toEqual(rows.map((r) => `c${r.record_id.slice("left-out-".length)}`));
    // Run again: nothing left to retire.
    expect(await retire()).toBe(0);
  });
});
