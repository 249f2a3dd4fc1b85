import { DEV_CLIENT_SECRET } from "@ads-connect/entra-emulator";
import type { ListOperationsResponse, Operation, OperationResponse } from "@ads-connect/shared";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { connectAs, type Harness, signInAs, startHarness } from "../testing/harness.js";

const DEVELOPER_TOKEN = "ZZOPLOGDEVTOKEN7Q";
const END_USER = { id: "oplog-user-1", email: "ada.lovelace@product.example", display_name: "Ada Lovelace" };
const USER = "three@contoso.example";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { REFRESH_AHEAD: "off", ACCOUNT_SYNC: "off", MICROSOFT_ADS_DEVELOPER_TOKEN: DEVELOPER_TOKEN, PROXY_RETRY_BASE_MS: "10" },
    ads: { developerTokens: [DEVELOPER_TOKEN] },
  });
});
afterAll(() => h?.close());

const secrets: string[] = [];
let connectionId = "";

const listAll = async (query = ""): Promise<Operation[]> => {
  const all: Operation[] = [];
  let cursor: string | null = null;
  do {
    const res = await h.api("GET", `/logs/operations?limit=100${query}${cursor ? `&cursor=${cursor}` : ""}`);
    const page = res.json as ListOperationsResponse;
    all.push(...page.operations);
    cursor = page.next_cursor;
  } while (cursor);
  return all;
};
const detail = async (id: string) => (await h.api("GET", `/logs/operations/${id}`)).json as OperationResponse;
const credentials = async () =>
  (await h.api("GET", `/connections/${connectionId}?provider_config_key=microsoft-ads&include_refresh_token=true`)).json as {
    credentials: { access_token: string; refresh_token: string };
  };
const remember = async () => {
  const { credentials: c } = await credentials();
  secrets.push(c.access_token, c.refresh_token);
};
const proxy = (body: unknown, headers: Record<string, string> = {}) =>
  h.api("POST", "/proxy/CampaignManagement/v13/Campaigns/QueryByAccountId", body, {
    "Connection-Id": connectionId,
    "Provider-Config-Key": "microsoft-ads",
    ...headers,
  });
const operationIdOf = (json: unknown) => (json as { error: { operation_id?: string } }).error.operation_id;

describe("a full run through the operation log", () => {
  beforeAll(async () => {
    // A connect with the picker (two of three accounts chosen).
    const session = (await h.api("POST", "/connect/sessions", { end_user: END_USER })).json as { data: { token: string } };
    const { result } = await connectAs(h, USER, { token: session.data.token, choose: (ids) => ids.slice(0, 2) });
    if (result.type !== "ads-connect:success") throw new Error(`connect failed: ${JSON.stringify(result)}`);
    connectionId = result.connection_id;
    await remember();
  }, 60_000);

  it("records a connect attempt from start to result, with the exchange, discovery and picker", async () => {
    const [connect] = await listAll(`&type=auth:create_connection&connection_id=${connectionId}`);
    expect(connect).toMatchObject({ state: "success", endUserId: END_USER.id, integration: "microsoft-ads", sessionId: expect.any(String) });
    const { messages } = await detail(connect!.id);
    const text = messages.map((m) => m.message);
    for (const step of [
      "Start: connect page opened",
      "Continue:",
      "Sent to Microsoft",
      "Callback:",
      "code exchange",
      "Connection stored",
      "Discovering",
      "Account picker shown",
      "Accounts selected",
      "Result: connected",
    ])
      expect(
        text.some((t) => t.includes(step)),
        step,
      ).toBe(true);
    // Discovery's calls to Microsoft Advertising are HTTP steps of the attempt.
    expect(messages.filter((m) => m.type === "http" && m.request?.path.includes("CustomerManagement"))).not.toHaveLength(0);
    // The token read path writes nothing: reads do not add operations.
    const before = (await listAll()).length;
    for (let i = 0; i < 3; i++) expect((await h.api("GET", `/connections/${connectionId}?provider_config_key=microsoft-ads`)).status).toBe(200);
    expect((await listAll()).length).toBe(before);
  });

  it("records a forced refresh and a refresh-ahead", async () => {
    expect((await h.api("GET", `/connections/${connectionId}?provider_config_key=microsoft-ads&force_refresh=true`)).status).toBe(200);
    await remember();
    const [refresh] = await listAll(`&type=auth:refresh_token&connection_id=${connectionId}`);
    expect(refresh).toMatchObject({ state: "success", endUserId: END_USER.id, meta: { trigger: "forced" } });
    expect((await detail(refresh!.id)).messages).toEqual([
      expect.objectContaining({ type: "http", request: expect.objectContaining({ method: "POST" }), response: { status: 200 } }),
    ]);

    // Read just now and about to expire: the refresh-ahead pass refreshes it.
    await h.server.db
      .updateTable("connections")
      .set({ access_token_expires_at: Date.now() + 1000, last_fetched_at: Date.now() })
      .where("connection_id", "=", connectionId)
      .execute();
    expect(await h.server.refreshAhead.runOnce()).toBe(1);
    await remember();
    const [ahead] = await listAll(`&type=auth:refresh_token&connection_id=${connectionId}`);
    expect(ahead).toMatchObject({ state: "success", meta: { trigger: "refresh_ahead" } });
  });

  it("records proxy calls with their HTTP steps: a retry, a 109 refresh, a 117 hold whose 429 carries the operation id", async () => {
    const accountId = h.ads.accounts(USER)[0]!.Id;
    expect((await proxy({ AccountId: accountId })).status).toBe(200);
    h.ads.injectFault(0, { operation: "Campaigns/QueryByAccountId", times: 1 });
    expect((await proxy({ AccountId: accountId }, { Retries: "1", "Retry-On": "500" })).status).toBe(200);
    h.ads.injectFault(109, { operation: "Campaigns/QueryByAccountId" });
    expect((await proxy({ AccountId: accountId })).status).toBe(200);
    await remember();
    h.ads.throttle(0);
    const held = await proxy({ AccountId: accountId });
    expect(held.status).toBe(429);

    const calls = await listAll(`&type=proxy:call&connection_id=${connectionId}`);
    expect(calls.map((c) => c.state)).toEqual(["failed", "success", "success", "success"]);
    const [throttled, expired, retried] = await Promise.all(calls.slice(0, 3).map((c) => detail(c.id)));
    expect(operationIdOf(held.json)).toBe(throttled!.operation.id);
    expect(throttled!.operation.errorCode).toBe("msads_rate_limited");
    expect(throttled!.messages.map((m) => m.message).join("\n")).toContain("117 CallRateExceeded");
    expect(expired!.messages.map((m) => m.message).join("\n")).toContain("109");
    expect(expired!.messages.filter((m) => m.type === "http")).toHaveLength(2);
    expect(retried!.messages.filter((m) => m.type === "http").map((m) => [m.response?.status, m.retry?.attempt])).toEqual([
      [500, undefined],
      [200, 1],
    ]);
    // The 109 forced a refresh: an operation of its own.
    expect((await listAll(`&type=auth:refresh_token&connection_id=${connectionId}&state=success`)).length).toBeGreaterThanOrEqual(2);
    // The hold answers the next call at once, with the operation of that call.
    const again = await proxy({ AccountId: accountId });
    expect(operationIdOf(again.json)).toMatch(/./);
    expect((await detail(operationIdOf(again.json)!)).messages.map((m) => m.message).join("\n")).toContain("Customer held");
    h.ads.throttle(null);
  });

  it("records an action run with its calls, and a failed one whose error carries the operation id", async () => {
    // The 117 hold of the previous test ends now.
    await sql`delete from proxy_holds`.execute(h.server.db);
    const headers = { "Connection-Id": connectionId, "Provider-Config-Key": "microsoft-ads" };
    expect((await h.api("POST", "/action/trigger", { action_name: "list-campaigns" }, headers)).status).toBe(200);
    const [run] = await listAll(`&type=action&connection_id=${connectionId}`);
    expect(run).toMatchObject({ action: "run", endUserId: END_USER.id, meta: { actionName: "list-campaigns" }, state: "success" });
    expect((await detail(run!.id)).messages.filter((m) => m.type === "http")).not.toHaveLength(0);
    const failed = await h.api("POST", "/action/trigger", { action_name: "list-accounts" }, { ...headers, "Connection-Id": "no-such-connection" });
    expect(failed.status).toBe(404);
    expect((await detail(operationIdOf(failed.json)!)).operation).toMatchObject({ type: "action", state: "failed", errorCode: "not_found" });
  });

  it("records an accounts sync run with its persisted results, and webhook deliveries with their attempts", async () => {
    h.ads.addAccount(USER, { Name: "Contoso Video" });
    expect((await h.api("POST", `/connections/${connectionId}/sync?provider_config_key=microsoft-ads`)).status).toBe(200);
    const [sync] = await listAll(`&type=sync:run&connection_id=${connectionId}`);
    expect(sync).toMatchObject({ state: "success", meta: { syncName: "accounts", trigger: "request" } });
    const { messages } = await detail(sync!.id);
    expect(messages.find((m) => m.persistResults)?.persistResults).toMatchObject({ model: "AdAccount" });
    expect(messages.filter((m) => m.type === "http").length).toBeGreaterThanOrEqual(2);

    await h.webhooks.waitFor(1);
    await expect
      .poll(async () => (await listAll(`&type=webhook:deliver&connection_id=${connectionId}&state=success`)).length, { timeout: 10_000, interval: 100 })
      .toBeGreaterThanOrEqual(1);
    const [delivery] = await listAll(`&type=webhook:deliver&connection_id=${connectionId}`);
    expect((await detail(delivery!.id)).messages[0]).toMatchObject({ type: "http", request: { method: "POST" }, response: { status: 200 } });
  });

  it("records a failed connect, a failed refresh whose error answer carries the operation id, admin consent, and an operator action", async () => {
    h.emulator.injectTokenErrors("refresh_token", [
      { status: 401, error: "invalid_client", aadsts: 7000215, description: "Invalid client secret provided.", wwwAuthenticate: 'Basic realm="x"' },
    ]);
    const failed = await h.api("GET", `/connections/${connectionId}?provider_config_key=microsoft-ads&force_refresh=true`);
    expect(failed.status).toBe(502);
    const operation = (await detail(operationIdOf(failed.json)!)).operation;
    expect(operation).toMatchObject({ type: "auth", action: "refresh_token", state: "failed", errorCode: "invalid_client_secret", connectionId });

    const declined = await connectAs(h, "declined@contoso.example");
    expect(declined.result.type).toBe("ads-connect:error");
    expect((await listAll("&type=auth:create_connection&state=failed")).map((o) => o.errorCode)).toContain("consent_declined");

    const blocked = await connectAs(h, "needs-admin@fabrikam.example");
    if (blocked.result.type !== "ads-connect:error" || !blocked.result.error.admin_consent_url) throw new Error("expected an admin consent link");
    const admin = new BrowserClient();
    const done = await signInAs(admin, await admin.get(blocked.result.error.admin_consent_url), "admin@fabrikam.example");
    expect(done.status).toBe(200);
    const [consent] = await listAll("&type=admin:consent");
    expect(consent).toMatchObject({ state: "success" });
    expect((await detail(consent!.id)).messages.map((m) => m.message)).toEqual(
      expect.arrayContaining(["Approval link opened", "Sent to Microsoft's admin consent", "Callback: back from Microsoft's admin consent"]),
    );

    const op = h.server.services.operations.operatorAction("retry_webhook", { connectionId });
    op.succeed();
    expect((await listAll("&type=admin:operator_action"))[0]).toMatchObject({ id: op.id, state: "success", meta: { operatorAction: "retry_webhook" } });
  });

  it("holds no token, code, secret or personal data anywhere in the log", async () => {
    const operations = await listAll();
    expect(new Set(operations.map((o) => `${o.type}/${o.action}`))).toEqual(
      new Set([
        "auth/create_connection",
        "auth/refresh_token",
        "proxy/call",
        "action/run",
        "sync/run",
        "webhook/deliver",
        "admin/consent",
        "admin/operator_action",
      ]),
    );
    const everything = JSON.stringify([operations, ...(await Promise.all(operations.map((o) => detail(o.id))))]);
    for (const secret of [...secrets, DEVELOPER_TOKEN, DEV_CLIENT_SECRET, h.secretKey, h.webhookSigningKey]) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/eyJ[\w-]{10,}/); // no JWT
    expect(everything).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/); // no email address
    for (const personal of [END_USER.display_name, "Ada", "Lovelace"]) expect(everything).not.toContain(personal);
    expect(everything).not.toMatch(/[?&](code|state|session_state|request|token)=/i);
  });
});
