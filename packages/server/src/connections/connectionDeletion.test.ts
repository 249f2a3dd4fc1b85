import { AD_ACCOUNT_MODEL, CAMPAIGN_MODEL, CAMPAIGN_PERFORMANCE_DAILY_MODEL, CONNECT_SUCCESS } from "@ads-connect/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectionLeftoversMigration } from "../store/connectionLeftoversMigration.js";
import { countRows } from "../testing/countRows.js";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";

// Deleting a connection takes everything kept about its user along, in one transaction (SQLite here,
// PostgreSQL in the -pg project): accounts, sync records and schedules, its refresh lease, its own hold.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { SYNCS: "off", SYNC_BACKFILL_DAYS: "3", SYNC_LOOKBACK_DAYS: "2" }, ads: { reportPollsBeforeReady: 0 } });
});
afterAll(() => h.close());

async function connect(username: string, endUserId: string): Promise<string> {
  const session = await h.createSession({ end_user: { id: endUserId, email: "owner@product.example" } });
  const { result } = await connectAs(h, username, { token: session.token });
  if (result.type !== CONNECT_SUCCESS) throw new Error(`connect failed: ${JSON.stringify(result)}`);
  return result.connection_id;
}

/** Rows of each table kept per connection. */
async function rowsOf(connectionId: string): Promise<Record<string, number>> {
  const id = connectionId.replace(/'/g, "''");
  const out: Record<string, number> = {};
  for (const table of ["connections", "ad_accounts", "sync_records", "sync_schedules", "refresh_leases"])
    out[table] = await countRows(h, `select count(*) as n from ${table} where connection_id = '${id}'`);
  out.proxy_holds = await countRows(h, `select count(*) as n from proxy_holds where customer_key = 'user:${id}'`);
  return out;
}

const records = (connectionId: string, model: string) =>
  h.api("GET", `/records?model=${model}`, undefined, { "Connection-Id": connectionId, "Provider-Config-Key": "microsoft-ads" });

describe("deleting a connection", () => {
  it("leaves no row of its accounts, records, schedules, lease or hold, and its records answer as for an unknown connection", async () => {
    const id = await connect("three@contoso.example", "deleted-user");
    const kept = await connect("megan@contoso.example", "kept-user");
    expect(await h.server.syncJob.runOnce()).toBe(4);
    // Microsoft's 117 on a call without a customer holds the connection's own calls (`user:<id>`).
    h.ads.injectFault(117, { operation: "User/Query" });
    expect((await h.api("POST", `/connections/${id}/sync`)).json).toMatchObject({ success: false });
    // A refresh that was running when its instance died leaves its lease until it expires.
    await h.server.db
      .insertInto("refresh_leases")
      .values({ connection_id: id, holder: "crashed-instance", expires_at: Date.now() + 60_000 })
      .execute();
    const customerId = (await h.server.db.selectFrom("ad_accounts").select("customer_id").where("connection_id", "=", id).executeTakeFirstOrThrow())
      .customer_id;
    await h.server.db
      .insertInto("proxy_holds")
      .values({ customer_key: customerId, until: Date.now() + 60_000, reason: "call_rate_exceeded" })
      .execute();
    const before = await rowsOf(id);
    for (const [table, n] of Object.entries(before)) expect(n, table).toBeGreaterThan(0);
    const keptBefore = await rowsOf(kept);

    expect((await h.api("DELETE", `/connections/${id}?provider_config_key=microsoft-ads`)).json).toEqual({ success: true });

    expect(await rowsOf(id)).toEqual({ connections: 0, ad_accounts: 0, sync_records: 0, sync_schedules: 0, refresh_leases: 0, proxy_holds: 0 });
    expect(await rowsOf(kept)).toEqual(keptBefore);
    // Microsoft's pace for a customer is not the user's data (another connection may reach it): it stays until it ends.
    expect(await countRows(h, `select count(*) as n from proxy_holds where customer_key = '${customerId}'`)).toBe(1);
    // The audit trail stays: the operation log and the deletion webhook.
    await h.server.services.operations.flush();
    expect(await countRows(h, `select count(*) as n from operations where connection_id = '${id}'`)).toBeGreaterThan(0);
    expect(await countRows(h, `select count(*) as n from webhook_outbox where body like '%"deletion"%' and body like '%${id}%'`)).toBe(1);
    for (const model of [AD_ACCOUNT_MODEL, CAMPAIGN_MODEL, CAMPAIGN_PERFORMANCE_DAILY_MODEL]) {
      const [gone, never] = await Promise.all([records(id, model), records("never-existed", model)]);
      expect({ model, status: gone.status, json: gone.json }).toEqual({
        model,
        status: never.status,
        json: JSON.parse(JSON.stringify(never.json).replace("never-existed", id)),
      });
      expect(gone.json).toMatchObject({ error: { code: "not_found" } });
    }
    expect((await h.api("GET", `/sync/status?provider_config_key=microsoft-ads&syncs=*&connection_id=${id}`)).status).toBe(404);
    // The sync job finds nothing of it to run.
    expect(await h.server.syncJob.runOnce()).toBe(0);
  });

  it("deleted while its sync runs: nothing of the run stays and it ends without an error", async () => {
    const id = await connect("agency@contoso.example", "deleted-mid-run");
    await h.api("POST", "/sync/pause", { provider_config_key: "microsoft-ads", connection_id: id, syncs: ["campaigns"] });
    // The report stays Pending a few polls (250 ms, then 500 ms … apart): the deletion lands while the
    // run waits; its next poll finds no token and the run ends as lost.
    h.ads.reportPollsBeforeReady(3);
    const polls = h.ads.callCount("GenerateReport/Poll");
    const logsBefore = h.logs.length;
    const run = h.server.syncJob.runOnce();
    try {
      while (h.ads.callCount("GenerateReport/Poll") === polls) await new Promise((resolve) => setImmediate(resolve));
      expect((await h.api("DELETE", `/connections/${id}`)).json).toEqual({ success: true });
      expect(await run).toBe(1);
    } finally {
      h.ads.reportPollsBeforeReady(0);
    }
    expect(await rowsOf(id)).toEqual({ connections: 0, ad_accounts: 0, sync_records: 0, sync_schedules: 0, refresh_leases: 0, proxy_holds: 0 });
    const errors = h.logs.slice(logsBefore).filter((l) => (JSON.parse(l) as { level: number }).level >= 50);
    expect(errors).toEqual([]);
  });

  it("the 0023 migration removes what connections deleted before it left behind", async () => {
    const kept = await connect("megan@contoso.example", "leftovers-user");
    const keptBefore = await rowsOf(kept);
    await h.server.db
      .insertInto("ad_accounts")
      .values({
        connection_id: "deleted-long-ago",
        account_id: "1",
        customer_id: "2",
        data: "{}",
        first_seen_at: 0,
        last_modified_at: 0,
        last_action: "ADDED",
        deleted_at: null,
        cursor: 1,
        position: 0,
        account_number: null,
      })
      .execute();
    await h.server.db.insertInto("refresh_leases").values({ connection_id: "deleted-long-ago", holder: "x", expires_at: 1 }).execute();
    await h.server.db
      .insertInto("proxy_holds")
      .values({ customer_key: "user:deleted-long-ago", until: Date.now() + 60_000, reason: null })
      .execute();
    await connectionLeftoversMigration()["0023_connection_leftovers"]!.up(h.server.db);
    expect(await rowsOf("deleted-long-ago")).toEqual({ connections: 0, ad_accounts: 0, sync_records: 0, sync_schedules: 0, refresh_leases: 0, proxy_holds: 0 });
    expect(await rowsOf(kept)).toEqual(keptBefore);
  });
});
