import {
  type AdAccount,
  AdAccountSchema,
  CONNECT_SUCCESS,
  ConnectionSchema,
  SyncWebhookBodySchema,
  WEBHOOK_SIGNATURE_HEADER,
  WebhookDeliveriesResponseSchema,
} from "@ads-connect/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";
import { signWebhook } from "../webhooks/signWebhook.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function connection(connectionId: string) {
  const res = await h.api("GET", `/connections/${connectionId}`);
  expect(res.status).toBe(200);
  return ConnectionSchema.parse(res.json);
}

/** Sync webhooks received so far, each checked against its signature. */
const syncWebhooks = () =>
  h.webhooks.received
    .filter((w) => w.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] === signWebhook(h.webhookSigningKey, w.rawBody))
    .map((w) => JSON.parse(w.rawBody) as { type: string })
    .filter((b) => b.type === "sync")
    .map((b) => SyncWebhookBodySchema.parse(b));

describe("discovery after connect", () => {
  it("three accounts: stored in Microsoft's order with ids as strings, shown on the connection", async () => {
    const { result } = await connectAs(h, "three@contoso.example");
    if (result.type !== CONNECT_SUCCESS) throw new Error(JSON.stringify(result));
    const c = await connection(result.connection_id);
    const expected = h.ads.accounts("three@contoso.example");
    expect(c.accounts.map((a) => a.name)).toEqual(["Contoso Search", "Contoso Shopping", "Contoso Brand"]);
    expect(c.accounts[0]).toEqual<AdAccount>({
      id: expected[0]!.Id,
      customer_id: expected[0]!.ParentCustomerId,
      number: expected[0]!.Number,
      name: "Contoso Search",
      currency: "USD",
      time_zone: "PacificTimeUSCanadaTijuana",
      status: "Active",
      pause_reason: null,
      language: "English",
      financial_status: "ClearFinancialStatus",
      mode: "Expert",
    });
    expect(c.accounts_error).toBeNull();
    expect(c.accounts_synced_at).not.toBeNull();
    // connectAs answers the account picker with every account.
    expect(c.selected_account_ids).toEqual(c.accounts.map((a) => a.id));
    const row = await h.server.db.selectFrom("connections").select("ms_user_id").where("connection_id", "=", result.connection_id).executeTakeFirstOrThrow();
    expect(row.ms_user_id).toBe(h.ads.userId("three@contoso.example"));
  });

  it("one account and zero accounts", async () => {
    const one = await connectAs(h, "adele@contoso.example");
    const none = await connectAs(h, "none@contoso.example");
    if (one.result.type !== CONNECT_SUCCESS || none.result.type !== CONNECT_SUCCESS) throw new Error("connect failed");
    expect((await connection(one.result.connection_id)).accounts.map((a) => [a.name, a.number])).toEqual([["Contoso Ads", "F12A34BC"]]);
    const empty = await connection(none.result.connection_id);
    expect(empty.accounts).toEqual([]);
    expect(empty.accounts_error).toBeNull();
    expect(empty.accounts_synced_at).not.toBeNull();
  });

  it("an agency: every account of every customer", async () => {
    const { result } = await connectAs(h, "agency@contoso.example");
    if (result.type !== CONNECT_SUCCESS) throw new Error("connect failed");
    const c = await connection(result.connection_id);
    expect(c.accounts).toHaveLength(5);
    expect(new Set(c.accounts.map((a) => a.customer_id))).toEqual(new Set(h.ads.customers("agency@contoso.example").map((x) => x.id)));
  });

  it("2,500 accounts: all stored, read in 3 pages of at most 1000, in Microsoft's order", async () => {
    const before = h.ads.callCount("Accounts/Search");
    const requestsBefore = h.ads.requests.length;
    const { result } = await connectAs(h, "many@contoso.example");
    if (result.type !== CONNECT_SUCCESS) throw new Error("connect failed");
    expect(h.ads.callCount("Accounts/Search") - before).toBe(3);
    const pages = h.ads.requests
      .slice(requestsBefore)
      .filter((r) => r.operation === "Accounts/Search")
      .map((r) => (r.body as { PageInfo: { Index: number; Size: number } }).PageInfo);
    expect(pages).toEqual([
      { Index: 0, Size: 1000 },
      { Index: 1, Size: 1000 },
      { Index: 2, Size: 1000 },
    ]);
    const c = await connection(result.connection_id);
    expect(c.accounts.map((a) => a.id)).toEqual(h.ads.accounts("many@contoso.example").map((a) => a.Id));
    const stored = await h.server.db
      .selectFrom("ad_accounts")
      .select(["account_id", "position"])
      .where("connection_id", "=", result.connection_id)
      .orderBy("position")
      .execute();
    expect(stored).toHaveLength(2500);
    expect(stored.map((r) => r.position)).toEqual([...Array(2500).keys()]);
  });

  it("sends no sync webhook for the connect's own discovery (the auth webhook reports the connection)", async () => {
    const { result } = await connectAs(h, "megan@contoso.example");
    if (result.type !== CONNECT_SUCCESS) throw new Error("connect failed");
    expect((await connection(result.connection_id)).accounts).toHaveLength(1);
    // Events are queued in the transaction of the change they report: the outbox is the whole story.
    const deliveries = WebhookDeliveriesResponseSchema.parse((await h.api("GET", `/webhooks/deliveries?connectionId=${result.connection_id}`)).json).deliveries;
    expect(deliveries.map((d) => `${d.type}:${d.operation}`)).toEqual(["auth:creation"]);
  });
});

describe("discovery failures keep the connection", () => {
  it("105: connected, accounts_error naming the likely cause, a retry scheduled", async () => {
    const { result } = await connectAs(h, "rejected@contoso.example");
    expect(result.type).toBe(CONNECT_SUCCESS);
    if (result.type !== CONNECT_SUCCESS) return;
    const c = await connection(result.connection_id);
    expect(c.status).toBe("connected");
    expect(c.accounts).toEqual([]);
    expect(c.accounts_error).toMatchObject({ code: "msads_invalid_credentials", msads_codes: [105], tracking_id: expect.any(String) });
    expect(c.accounts_error!.message).toMatch(/tenant/);
    expect(c.accounts_error!.message).toMatch(/msads\.manage/);
    expect(Date.parse(c.accounts_error!.retry_at!)).toBeGreaterThan(Date.now());
  });

  it("0 during discovery, then POST /connections/:id/sync works and clears the error", async () => {
    h.ads.injectFault(0, { operation: "Accounts/Search" });
    const { result } = await connectAs(h, "alex@outlook.example");
    if (result.type !== CONNECT_SUCCESS) throw new Error("connect failed");
    let c = await connection(result.connection_id);
    expect(c.status).toBe("connected");
    expect(c.accounts_error).toMatchObject({ code: "msads_error", msads_codes: [0] });
    const sync = await h.api("POST", `/connections/${result.connection_id}/sync`);
    expect(sync.status).toBe(200);
    expect(sync.json).toEqual({ success: true, results: { added: 1, updated: 0, deleted: 0 }, accounts_error: null });
    c = await connection(result.connection_id);
    expect(c.accounts_error).toBeNull();
    expect(c.accounts).toHaveLength(1);
    AdAccountSchema.parse(c.accounts[0]);
    // The first successful discovery came after the connect: it is announced (signed, INITIAL).
    await expect.poll(() => syncWebhooks().filter((w) => w.connectionId === result.connection_id), { timeout: 10_000 }).toHaveLength(1);
    expect(syncWebhooks().find((w) => w.connectionId === result.connection_id)).toMatchObject({
      type: "sync",
      providerConfigKey: "microsoft-ads",
      syncName: "accounts",
      model: "AdAccount",
      modelName: "AdAccount",
      syncType: "INITIAL",
      success: true,
      responseResults: { added: 1, updated: 0, deleted: 0 },
      removedSelectedAccountIds: [],
    });
  });

  it("109: one token refresh and one retry, then the accounts", async () => {
    const refreshes = h.emulator.stats.tokenRequests.refresh_token;
    h.ads.injectFault(109, { operation: "User/Query" });
    const { result } = await connectAs(h, "admin@fabrikam.example");
    if (result.type !== CONNECT_SUCCESS) throw new Error("connect failed");
    const c = await connection(result.connection_id);
    expect(c.accounts_error).toBeNull();
    expect(c.accounts).toHaveLength(1);
    expect(h.emulator.stats.tokenRequests.refresh_token - refreshes).toBe(1);
  });

  it("117: no immediate retry; the job tries again after the pause and succeeds", async () => {
    h.ads.injectFault(117);
    const calls = h.ads.callCount();
    const { result } = await connectAs(h, "revoked@contoso.example");
    if (result.type !== CONNECT_SUCCESS) throw new Error("connect failed");
    expect(h.ads.callCount() - calls).toBe(1);
    const c = await connection(result.connection_id);
    expect(c.accounts_error).toMatchObject({ code: "msads_rate_limited", msads_codes: [117] });
    // Not due before Microsoft's 60-second window has passed.
    expect(Date.parse(c.accounts_error!.retry_at!) - Date.parse(c.accounts_error!.at)).toBeGreaterThanOrEqual(60_000);
    await h.server.accountSyncJob.runOnce();
    expect(h.ads.callCount() - calls).toBe(1);
    // Time passes: the retry comes due, and the hold the 117 set (the one client's, as for the proxy) ends.
    await h.server.db
      .updateTable("connections")
      .set({ accounts_sync_due_at: Date.now() - 1 })
      .where("connection_id", "=", result.connection_id)
      .execute();
    await h.server.db
      .updateTable("proxy_holds")
      .set({ until: Date.now() - 1 })
      .where("customer_key", "=", `user:${result.connection_id}`)
      .execute();
    await h.server.accountSyncJob.runOnce();
    const after = await connection(result.connection_id);
    expect(after.accounts_error).toBeNull();
    expect(after.accounts).toHaveLength(1);
  });
});
