import { AdsConnectClient } from "@ads-connect/node";
import {
  type AdAccountRecord,
  CONNECT_SUCCESS,
  ConnectionSchema,
  RecordsResponseSchema,
  SyncWebhookBodySchema,
  WebhookDeliveriesResponseSchema,
} from "@ads-connect/shared";
import { Nango } from "@nangohq/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";

let h: Harness;
let client: AdsConnectClient;
beforeAll(async () => {
  h = await startHarness();
  client = new AdsConnectClient({ host: h.server.url, secretKey: h.secretKey, webhookSigningKey: h.webhookSigningKey });
});
afterAll(() => h.close());

async function connect(username: string): Promise<string> {
  const { result } = await connectAs(h, username);
  if (result.type !== CONNECT_SUCCESS) throw new Error(`connect failed: ${JSON.stringify(result)}`);
  return result.connection_id;
}

const deliveriesOf = async (connectionId: string) =>
  WebhookDeliveriesResponseSchema.parse((await h.api("GET", `/webhooks/deliveries?connectionId=${connectionId}`)).json).deliveries.filter(
    (d) => d.type === "sync",
  );

/** Sync webhooks that arrived for the connection, signature checked by the typed client. */
const syncWebhooksOf = (connectionId: string) =>
  h.webhooks.received
    .map((w) => client.verifyWebhook(w.rawBody, w.headers))
    .filter((b) => b?.type === "sync" && b.connectionId === connectionId)
    .map((b) => SyncWebhookBodySchema.parse(b));

async function allRecords(connectionId: string, query = ""): Promise<AdAccountRecord[]> {
  const records: AdAccountRecord[] = [];
  let cursor: string | null = null;
  do {
    const res = await h.api("GET", `/records?model=AdAccount&limit=2${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, undefined, {
      "Connection-Id": connectionId,
      "Provider-Config-Key": "microsoft-ads",
    });
    expect(res.status).toBe(200);
    const page = RecordsResponseSchema.parse(res.json);
    records.push(...(page.records as AdAccountRecord[]));
    cursor = page.next_cursor;
  } while (cursor);
  return records;
}

describe("sync", () => {
  it("an account added, one renamed, one closed → one signed sync webhook (1 added, 2 updated); records show it; a second sync sends nothing", async () => {
    const username = "three@contoso.example";
    const id = await connect(username);
    const [search, shopping, brand] = h.ads.accounts(username);
    expect(await deliveriesOf(id)).toEqual([]);

    const added = h.ads.addAccount(username, { Name: "Contoso Video" });
    h.ads.renameAccount(search!.Id, "Contoso Search (US)");
    h.ads.setAccountStatus(shopping!.Id, "Inactive");
    const sync = await client.triggerSync(id);
    expect(sync).toEqual({ success: true, results: { added: 1, updated: 2, deleted: 0 }, accounts_error: null });

    await expect.poll(() => syncWebhooksOf(id), { timeout: 10_000 }).toHaveLength(1);
    const [webhook] = syncWebhooksOf(id);
    expect(webhook).toMatchObject({ syncType: "INCREMENTAL", responseResults: { added: 1, updated: 2, deleted: 0 }, removedSelectedAccountIds: [] });

    const records = await allRecords(id);
    const action = (accountId: string) => records.find((r) => r.id === accountId)?._nango_metadata.last_action;
    expect([action(search!.Id), action(shopping!.Id), action(brand!.Id), action(added.Id)]).toEqual(["UPDATED", "UPDATED", "ADDED", "ADDED"]);
    expect(records.find((r) => r.id === shopping!.Id)).toMatchObject({ status: "Inactive", _nango_metadata: { deleted_at: null } });
    // The webhook's modifiedAfter fetches exactly this sync's changes.
    const changed = await allRecords(id, `&modified_after=${encodeURIComponent(webhook!.modifiedAfter)}`);
    expect(changed.map((r) => r.name).sort()).toEqual(["Contoso Search (US)", "Contoso Shopping", "Contoso Video"]);

    // Nothing changed: nothing is sent, nothing is rewritten.
    const again = await client.triggerSync(id);
    expect(again).toEqual({ success: true, results: { added: 0, updated: 0, deleted: 0 }, accounts_error: null });
    expect(await deliveriesOf(id)).toHaveLength(1);
    expect((await allRecords(id)).map((r) => r._nango_metadata.cursor)).toEqual(records.map((r) => r._nango_metadata.cursor));
  });

  it("an account that vanishes is marked DELETED, kept in the records, and a selected one is reported", async () => {
    const username = "agency@contoso.example";
    const id = await connect(username);
    const [first, second] = h.ads.accounts(username);
    await h.server.db
      .updateTable("connections")
      .set({ selected_account_ids: JSON.stringify([first!.Id]) })
      .where("connection_id", "=", id)
      .execute();
    h.ads.removeAccess(username, first!.Id);
    h.ads.removeAccess(username, second!.Id);
    expect(await client.triggerSync(id)).toMatchObject({ success: true, results: { added: 0, updated: 0, deleted: 2 } });

    await expect.poll(() => syncWebhooksOf(id), { timeout: 10_000 }).toHaveLength(1);
    expect(syncWebhooksOf(id)[0]).toMatchObject({ responseResults: { added: 0, updated: 0, deleted: 2 }, removedSelectedAccountIds: [first!.Id] });
    const connection = ConnectionSchema.parse((await h.api("GET", `/connections/${id}`)).json);
    expect(connection.accounts.map((a) => a.id)).not.toContain(first!.Id);
    expect(connection.selected_account_ids).toEqual([first!.Id]);
    expect(connection.removed_selected_account_ids).toEqual([first!.Id]);
    const deleted = await allRecords(id, "&filter=deleted");
    expect(deleted.map((r) => r.id).sort()).toEqual([first!.Id, second!.Id].sort());
    expect(deleted.every((r) => r._nango_metadata.last_action === "DELETED" && r._nango_metadata.deleted_at !== null)).toBe(true);
  });
});

describe("records API", () => {
  it("pages 2,500 records by cursor in Microsoft's order, through the unmodified @nangohq/node client too", async () => {
    const id = await connect("many@contoso.example");
    const expected = h.ads.accounts("many@contoso.example").map((a) => a.Id);
    const seen: string[] = [];
    for await (const record of client.records({ connectionId: id, limit: 1000 })) seen.push(record.id);
    expect(seen).toEqual(expected);

    const nango = new Nango({ host: h.server.url, secretKey: h.secretKey });
    const page = await nango.listRecords<AdAccountRecord>({ providerConfigKey: "microsoft-ads", connectionId: id, model: "AdAccount", limit: 1000 });
    expect(page.records).toHaveLength(1000);
    expect(page.next_cursor).toEqual(expect.any(String));
    const next = await nango.listRecords<AdAccountRecord>({
      providerConfigKey: "microsoft-ads",
      connectionId: id,
      model: "AdAccount",
      limit: 1000,
      cursor: page.next_cursor!,
    });
    expect(next.records[0]!.id).toBe(expected[1000]);
    const some = await nango.listRecords<AdAccountRecord>({
      providerConfigKey: "microsoft-ads",
      connectionId: id,
      model: "AdAccount",
      ids: [expected[5]!, expected[7]!],
    });
    expect(some.records.map((r) => r.id)).toEqual([expected[5], expected[7]]);
    await nango.triggerSync("microsoft-ads", ["accounts"], id);
  });

  it("refuses bad input with clear 4xx errors", async () => {
    const id = await connect("adele@contoso.example");
    const get = (query: string, headers: Record<string, string>) => h.api("GET", `/records?${query}`, undefined, headers);
    const both = { "Connection-Id": id, "Provider-Config-Key": "microsoft-ads" };
    const cases = [
      [await get("model=AdAccount", { "Provider-Config-Key": "microsoft-ads" }), 400, "invalid_query"],
      [await get("model=AdAccount", { "Connection-Id": id }), 400, "invalid_query"],
      [await get("model=AdAccount", { ...both, "Provider-Config-Key": "google-ads" }), 400, "unknown_provider_config"],
      [await get("model=Nope", both), 400, "invalid_query"],
      [await get("model=AdAccount&cursor=bogus", both), 400, "invalid_query"],
      [await get("model=AdAccount&limit=0", both), 400, "invalid_query"],
      [await get("model=AdAccount&modified_after=yesterday", both), 400, "invalid_query"],
      [await get("model=AdAccount", { ...both, "Connection-Id": "nope" }), 404, "not_found"],
      [await h.api("POST", "/connections/nope/sync"), 404, "not_found"],
      [await h.api("POST", "/sync/trigger", { provider_config_key: "microsoft-ads", connection_id: id, syncs: ["nope"] }), 400, "invalid_body"],
      [await h.api("GET", "/records?model=AdAccount", undefined, { ...both, authorization: "Bearer wrong" }), 401, "unauthorized"],
    ] as const;
    for (const [res, status, code] of cases) {
      expect({ status: res.status, code: (res.json as { error?: { code: string } }).error?.code }).toEqual({ status, code });
      expect(res.text).not.toMatch(/at .*\.ts:\d+/);
    }
  });
});

describe("scheduled sync", () => {
  it("two instances share the due connections: each is synced once", async () => {
    const ids = [await connect("megan@contoso.example"), await connect("alex@outlook.example")];
    await h.server.db
      .updateTable("connections")
      .set({ accounts_sync_due_at: Date.now() - 1 })
      .where("connection_id", "in", ids)
      .execute();
    const other = await h.startInstance();
    try {
      const before = h.ads.callCount("Accounts/Search");
      const [a, b] = await Promise.all([h.server.accountSyncJob.runOnce(), other.accountSyncJob.runOnce()]);
      expect(a + b).toBe(2);
      expect(h.ads.callCount("Accounts/Search") - before).toBe(a + b);
      const due = await h.server.db.selectFrom("connections").select("accounts_sync_due_at").where("connection_id", "in", ids).execute();
      // Next due one interval (6 h by default) from now.
      for (const row of due) expect(row.accounts_sync_due_at!).toBeGreaterThan(Date.now() + 5 * 3600_000);
    } finally {
      await other.close();
    }
  });
});
