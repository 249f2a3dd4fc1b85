import { CONNECT_SUCCESS, type ListOperationsResponse, type Operation, type OperationResponse } from "@ads-connect/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { connectAs, type Harness, pickerForm, signInAs, startHarness, submitStart } from "../testing/harness.js";
import { OperationLog } from "./operationLog.js";

// How operations end when nothing else ends them (the prune job's sweep, run by hand at a chosen
// time), the 500 answer's operation id and the proxy's end user: through HTTP, the real connect
// flow and the emulators.
const DEVELOPER_TOKEN = "ZZOPLOGENDSTOKEN3";
const MINUTE = 60_000;
const USER = "three@contoso.example";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { REFRESH_AHEAD: "off", ACCOUNT_SYNC: "off", SYNCS: "off", PRUNE: "off", MICROSOFT_ADS_DEVELOPER_TOKEN: DEVELOPER_TOKEN },
    ads: { developerTokens: [DEVELOPER_TOKEN] },
  });
});
afterAll(() => h?.close());

const endUser = (id: string) => ({ end_user: { id, email: `${id}@product.example`, display_name: id } });
const sessionFor = async (endUserId: string) => (await h.api("POST", "/connect/sessions", endUser(endUserId))).json as { data: { token: string } };
const list = async (query: string) => ((await h.api("GET", `/logs/operations?limit=100&${query}`)).json as ListOperationsResponse).operations;
const detail = async (id: string) => (await h.api("GET", `/logs/operations/${id}`)).json as OperationResponse;
const connectOf = async (endUserId: string): Promise<Operation> => {
  await h.server.services.operations.flush();
  const ops = await list(`type=auth:create_connection&end_user_id=${endUserId}`);
  expect(ops).toHaveLength(1);
  return ops[0]!;
};

describe("sign-ins nobody finishes end by themselves", () => {
  it("the popup closed on the start page, on Microsoft's page or left on the account picker: timeout once expired; a cancel the log lost: cancelled", async () => {
    // Left on the connect page, before Continue.
    const onStart = new BrowserClient();
    expect((await onStart.get(h.startUrl((await sessionFor("ends-start")).data.token))).status).toBe(200);
    // Sent to Microsoft's sign-in, never back.
    const onMicrosoft = new BrowserClient();
    const startPage = await onMicrosoft.get(h.startUrl((await sessionFor("ends-microsoft")).data.token));
    const loginPage = await submitStart(onMicrosoft, startPage);
    expect(loginPage.body).toContain('name="interaction"');
    // Signed in (the connection exists), then the picker was left open.
    const onPicker = new BrowserClient();
    const pickerStart = await submitStart(onPicker, await onPicker.get(h.startUrl((await sessionFor("ends-picker")).data.token)));
    const picker = await signInAs(onPicker, pickerStart, USER);
    expect(pickerForm(picker)).not.toBeNull();
    // Cancelled on the start page; the instance stopped before its log was written (its end is lost).
    const cancels = new BrowserClient();
    const cancelled = await submitStart(cancels, await cancels.get(h.startUrl((await sessionFor("ends-cancel")).data.token)), "cancel");
    expect(cancelled.body).toContain("user_cancelled");
    const lost = await connectOf("ends-cancel");
    expect(lost.state).toBe("cancelled");
    await h.server.db
      .updateTable("operations")
      .set({ state: "running", ended_at: null, duration_ms: null, error_code: null })
      .where("id", "=", lost.id)
      .execute();
    // A connect that finished normally stays as it is.
    const done = await connectAs(h, USER, { token: (await sessionFor("ends-done")).data.token });
    expect(done.result.type).toBe("ads-connect:success");

    for (const id of ["ends-start", "ends-microsoft", "ends-picker"]) expect((await connectOf(id)).state).toBe("running");
    // Now, and just before the attempt (10 min) and the picker (10 min) expire: all of them may still go on.
    expect(await h.server.prune.runOnce()).toMatchObject({ abandonedConnects: 0 });
    expect((await h.server.prune.runOnce(Date.now() + 9 * MINUTE)).abandonedConnects).toBe(0);

    const later = Date.now() + 30 * MINUTE;
    expect((await h.server.prune.runOnce(later)).abandonedConnects).toBe(4);
    const byUser = async (id: string) => {
      const op = await connectOf(id);
      return { op, messages: (await detail(op.id)).messages.map((m) => m.message) };
    };
    const start = await byUser("ends-start");
    expect(start.op).toMatchObject({ state: "timeout", errorCode: "attempt_expired", endedAt: new Date(later).toISOString() });
    expect(start.messages.at(-1)).toContain("the connect page expired without going on");
    const microsoft = await byUser("ends-microsoft");
    expect(microsoft.op).toMatchObject({ state: "timeout", errorCode: "attempt_expired" });
    expect(microsoft.messages.at(-1)).toContain("nobody came back from Microsoft's sign-in");
    // The connection was made: the operation succeeded, without a choice of accounts.
    const onPickerOp = await byUser("ends-picker");
    expect(onPickerOp.op).toMatchObject({ state: "success", errorCode: null, connectionId: expect.any(String) });
    expect(onPickerOp.messages.at(-1)).toContain("the account picker expired without a choice");
    const cancel = await byUser("ends-cancel");
    expect(cancel.op).toMatchObject({ state: "cancelled", errorCode: "user_cancelled" });
    expect(cancel.messages.at(-1)).toContain("the result the connect session recorded: user_cancelled");
    expect((await connectOf("ends-done")).state).toBe("success");

    // Again (another instance's pass, the next hour's): nothing changes, no second message.
    expect((await h.server.prune.runOnce(later + MINUTE)).abandonedConnects).toBe(0);
    expect((await byUser("ends-start")).messages.filter((m) => m.startsWith("Ended by the server"))).toHaveLength(1);
    expect(await list("state=running&type=auth:create_connection")).toEqual([]);
  });

  it("the popup opened again: the replaced attempt ends once its start page could no longer be used", async () => {
    const { token } = (await sessionFor("ends-twice")).data;
    const browser = new BrowserClient();
    await browser.get(h.startUrl(token));
    await h.server.services.operations.flush();
    const [first] = await list("type=auth:create_connection&end_user_id=ends-twice");
    await browser.get(h.startUrl(token));
    await h.server.services.operations.flush();
    expect((await h.server.prune.runOnce(Date.now() + 5 * MINUTE)).abandonedConnects).toBe(0);
    expect((await h.server.prune.runOnce(Date.now() + 12 * MINUTE)).abandonedConnects).toBe(2);
    const ops = await list("type=auth:create_connection&end_user_id=ends-twice");
    expect(ops.map((o) => o.state)).toEqual(["timeout", "timeout"]);
    expect((await detail(first!.id)).messages.at(-1)?.message).toContain("a newer connect attempt of the same session replaced this one");
  });
});

describe("operations left running by a stopped instance", () => {
  it("end failed (operation_interrupted) after OPERATION_MAX_RUNNING_SECONDS; a late real end still wins", async () => {
    // An instance killed mid-refresh and mid-sync: its operations were written running, never ended.
    const killed = new OperationLog(h.server.services.stores.operations, null);
    const refresh = killed.start({ type: "auth", action: "refresh_token", connectionId: "conn-killed", endUserId: "ends-killed" });
    const sync = killed.start({ type: "sync", action: "run", connectionId: "conn-killed", endUserId: "ends-killed" });
    // Ended by its webhook's next attempt: waiting is not running.
    const webhook = killed.start({ type: "webhook", action: "deliver", endUserId: "ends-killed" });
    webhook.end("waiting");
    await killed.flush();

    expect((await h.server.prune.runOnce(Date.now() + 59 * MINUTE)).interruptedOperations).toBe(0);
    expect((await h.server.prune.runOnce(Date.now() + 61 * MINUTE)).interruptedOperations).toBe(2);
    const ops = await list("end_user_id=ends-killed");
    const byId = new Map(ops.map((o) => [o.id, o]));
    expect(byId.get(refresh.id)).toMatchObject({ state: "failed", errorCode: "operation_interrupted" });
    expect(byId.get(sync.id)).toMatchObject({ state: "failed", errorCode: "operation_interrupted" });
    expect(byId.get(webhook.id)).toMatchObject({ state: "waiting" });
    expect((await detail(refresh.id)).messages.at(-1)).toMatchObject({ level: "error", message: expect.stringContaining("OPERATION_MAX_RUNNING_SECONDS") });

    // The sync was only slow: its real end, written later, replaces the sweep's.
    sync.succeed();
    await killed.flush();
    expect((await detail(sync.id)).operation).toMatchObject({ state: "success", errorCode: null, errorMessage: null });
  });
});

describe("a sync run longer than OPERATION_MAX_RUNNING_SECONDS", () => {
  it("is left running while its sync still holds a live lease (renewed as it goes); ended once the lease expired", async () => {
    const { result } = await connectAs(h, USER, { token: (await sessionFor("ends-long-sync")).data.token });
    if (result.type !== CONNECT_SUCCESS) throw new Error(JSON.stringify(result));
    const id = result.connection_id;
    const schedules = h.server.services.stores.syncSchedules;
    await schedules.ensureForDiscoveredConnections(["campaigns", "campaign-performance-daily"], Date.now() + 3_600_000);
    // The campaigns run is still going (its lease renewed a moment ago); the daily one's instance stopped (its lease ran out).
    await h.server.db
      .updateTable("sync_schedules")
      .set({ lease_holder: "instance-a", lease_until: Date.now() + 5 * MINUTE, status: "RUNNING" })
      .where("connection_id", "=", id)
      .where("sync_name", "=", "campaigns")
      .execute();
    await h.server.db
      .updateTable("sync_schedules")
      .set({ lease_holder: "instance-a", lease_until: Date.now() - 1, status: "RUNNING" })
      .where("connection_id", "=", id)
      .where("sync_name", "=", "campaign-performance-daily")
      .execute();
    const log = new OperationLog(h.server.services.stores.operations, null);
    const long = log.start({ type: "sync", action: "run", connectionId: id, endUserId: "ends-long-sync", meta: { syncName: "campaigns" } });
    const left = log.start({ type: "sync", action: "run", connectionId: id, endUserId: "ends-long-sync", meta: { syncName: "campaign-performance-daily" } });
    await log.flush();

    expect((await h.server.prune.runOnce(Date.now() + 61 * MINUTE)).interruptedOperations).toBe(1);
    expect((await detail(long.id)).operation).toMatchObject({ state: "running" });
    expect((await detail(left.id)).operation).toMatchObject({ state: "failed", errorCode: "operation_interrupted" });

    // Its lease runs out (the instance stopped after all): the next pass ends it.
    await h.server.db
      .updateTable("sync_schedules")
      .set({ lease_until: Date.now() - 1 })
      .where("connection_id", "=", id)
      .execute();
    expect((await h.server.prune.runOnce(Date.now() + 62 * MINUTE)).interruptedOperations).toBe(1);
    expect((await detail(long.id)).operation).toMatchObject({ state: "failed", errorCode: "operation_interrupted" });
  });
});

describe("an approval link opened and never answered", () => {
  it("its admin/consent operation ends timeout, not as a stopped instance's", async () => {
    const { result } = await connectAs(h, "needs-admin@fabrikam.example", { token: (await sessionFor("ends-admin")).data.token });
    if (result.type !== "ads-connect:error" || !result.error.admin_consent_url) throw new Error(`expected an admin consent link: ${JSON.stringify(result)}`);
    // The administrator opens the link and closes Microsoft's admin consent page.
    const consentPage = await new BrowserClient().get(result.error.admin_consent_url);
    expect(consentPage.url).toContain("/adminconsent?");
    await h.server.services.operations.flush();
    expect((await list("type=admin:consent&end_user_id=ends-admin"))[0]).toMatchObject({ state: "running" });
    await h.server.prune.runOnce(Date.now() + 61 * MINUTE);
    const [consent] = await list("type=admin:consent&end_user_id=ends-admin");
    expect(consent).toMatchObject({ state: "timeout", errorCode: "attempt_expired" });
    expect((await detail(consent!.id)).messages.at(-1)?.message).toContain("the administrator did not come back");
  });
});

describe("proxy calls and 500 answers", () => {
  let connectionId = "";
  const proxy = () =>
    h.api(
      "POST",
      "/proxy/CampaignManagement/v13/Campaigns/QueryByAccountId",
      { AccountId: "1" },
      { "Connection-Id": connectionId, "Provider-Config-Key": "microsoft-ads" },
    );

  beforeAll(async () => {
    const { result } = await connectAs(h, USER, { token: (await sessionFor("ends-proxy")).data.token });
    if (result.type !== "ads-connect:success") throw new Error(`connect failed: ${JSON.stringify(result)}`);
    connectionId = result.connection_id;
  }, 60_000);

  it("a proxy call's operation names the connection's end user, and the end_user_id filter finds it", async () => {
    expect((await proxy()).status).toBeLessThan(500);
    await h.server.services.operations.flush();
    const calls = await list("type=proxy:call&end_user_id=ends-proxy");
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ connectionId, endUserId: "ends-proxy", state: expect.stringMatching(/success|failed/) });
  });

  it("an unexpected failure inside the call answers 500 with error.operation_id, and that operation failed with internal_error", async () => {
    // A connection row this server could not have written (its selected accounts unreadable): a bug's 500, not the caller's fault.
    await h.server.db.updateTable("connections").set({ selected_account_ids: "[not json" }).where("connection_id", "=", connectionId).execute();
    const res = await h.api("POST", "/proxy/CampaignManagement/v13/Campaigns/QueryByAccountId", {}, { "Connection-Id": connectionId });
    await h.server.db.updateTable("connections").set({ selected_account_ids: null }).where("connection_id", "=", connectionId).execute();
    expect(res.status).toBe(500);
    const { error } = res.json as { error: { code: string; message: string; operation_id?: string } };
    expect(error).toEqual({ code: "internal_error", message: expect.any(String), operation_id: expect.any(String) });
    expect(res.text).not.toMatch(/SyntaxError|JSON|at \S+ \(/);
    await h.server.services.operations.flush();
    const { operation, messages } = await detail(error.operation_id!);
    expect(operation).toMatchObject({ type: "proxy", action: "call", state: "failed", errorCode: "internal_error", endUserId: "ends-proxy", connectionId });
    expect(operation.errorMessage).not.toMatch(/JSON|SyntaxError/);
    expect(JSON.stringify(messages)).not.toMatch(/SyntaxError|at \S+ \(/);
  });
});
