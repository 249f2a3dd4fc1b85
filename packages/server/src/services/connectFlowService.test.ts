import { CONSUMERS_TENANT_ID, CONTOSO_TENANT_ID } from "@ads-connect/entra-emulator";
import { AdsConnectClient } from "@ads-connect/shared/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { connectAs, resultOf, signInAs, startHarness, WIDGET_ORIGIN, type Harness } from "../testing/harness.js";

let h: Harness;
let client: AdsConnectClient;

beforeAll(async () => {
  h = await startHarness();
  client = new AdsConnectClient({ host: h.server.url, secretKey: h.secretKey, webhookSigningKey: h.webhookSigningKey });
});
afterAll(() => h.close());

async function sessionStatus(token: string) {
  const res = await fetch(`${h.server.url}/connect/session/status`, { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as { data: { status: string; result: { type: string; error?: { code: string } } | null } };
}

async function connectionCount(): Promise<number> {
  return (await client.listConnections()).connections.length;
}

describe("connect flow over real HTTP", () => {
  it("connects a work account: tokens encrypted at rest, fresh token served, signed webhook sent", async () => {
    const before = h.webhooks.received.length;
    const { page, result, token } = await connectAs(h, "adele@contoso.example");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'nonce-");
    expect(page.body).toContain(`postMessage(result, "${WIDGET_ORIGIN}")`);
    expect(result).toMatchObject({
      type: "ads-connect:success",
      operation: "creation",
      account: { username: "adele@contoso.example", display_name: "Adele Vance", tenant_id: CONTOSO_TENANT_ID, account_type: "work" },
    });
    if (result.type !== "ads-connect:success") throw new Error("unreachable");

    const connection = await client.getConnection(result.connection_id, { includeRefreshToken: true });
    expect(connection.credentials.type).toBe("OAUTH2");
    expect(h.emulator.isAccessTokenValid(connection.credentials.access_token)).toBe(true);
    expect(connection.account.tenant_id).toBe(CONTOSO_TENANT_ID);
    expect(connection.end_user).toMatchObject({ id: "end-user-1", email: "owner@product.example" });
    expect(connection.status).toBe("connected");

    const row = await h.server.db.selectFrom("connections").select("credentials_enc").where("connection_id", "=", result.connection_id).executeTakeFirstOrThrow();
    expect(row.credentials_enc).not.toContain(connection.credentials.access_token);
    expect(row.credentials_enc).not.toContain(connection.credentials.refresh_token!);
    expect(JSON.parse(row.credentials_enc)).toHaveProperty("ciphertext");

    const [webhook] = (await h.webhooks.waitFor(before + 1)).slice(before);
    const body = client.verifyWebhook(webhook!.rawBody, webhook!.headers);
    expect(body).toMatchObject({ type: "auth", operation: "creation", success: true, connectionId: result.connection_id, endUser: { endUserId: "end-user-1" } });

    expect((await sessionStatus(token)).data).toMatchObject({ status: "success", result: { type: "ads-connect:success" } });
  });

  it("connects a personal account with the consumers tenant id", async () => {
    const { result } = await connectAs(h, "alex@outlook.example");
    expect(result).toMatchObject({ type: "ads-connect:success", account: { tenant_id: CONSUMERS_TENANT_ID, account_type: "personal" } });
  });

  it("updates the same connection when the same account connects again for the same end user", async () => {
    const first = await connectAs(h, "megan@contoso.example");
    const second = await connectAs(h, "megan@contoso.example");
    if (first.result.type !== "ads-connect:success" || second.result.type !== "ads-connect:success") throw new Error("connect failed");
    expect(second.result.operation).toBe("override");
    expect(second.result.connection_id).toBe(first.result.connection_id);
    const list = await client.listConnections({ endUserId: "end-user-1" });
    expect(list.connections.filter((c) => c.account.username === "megan@contoso.example")).toHaveLength(1);
  });

  it("shows the same result when the callback page is loaded twice", async () => {
    const { browser, page, result } = await connectAs(h, "adele@contoso.example");
    const again = await browser.get(page.url);
    expect(again.status).toBe(200);
    expect(resultOf(again)).toEqual(result);
  });

  it("reconnects an existing connection in place, and refuses a different account", async () => {
    const first = await connectAs(h, "adele@contoso.example");
    if (first.result.type !== "ads-connect:success") throw new Error("connect failed");
    const reconnect = await client.createReconnectSession({ connection_id: first.result.connection_id });
    const browser = new BrowserClient();
    const login = await browser.get(h.startUrl(reconnect.data.token));
    const authorize = new URL(browser.history.find((u) => u.includes("/oauth2/v2.0/authorize"))!);
    expect(authorize.searchParams.get("prompt")).toBe("select_account");
    expect(authorize.searchParams.get("login_hint")).toBe("adele@contoso.example");
    const wrong = resultOf(await signInAs(browser, login, "megan@contoso.example"));
    expect(wrong).toMatchObject({ type: "ads-connect:error", error: { code: "reconnect_account_mismatch" } });

    const retry = await client.createReconnectSession({ connection_id: first.result.connection_id });
    const right = await connectAs(h, "adele@contoso.example", { token: retry.data.token });
    expect(right.result).toMatchObject({ type: "ads-connect:success", operation: "override", connection_id: first.result.connection_id });
  });
});

describe("refused, with a typed error and no connection stored", () => {
  it("an unknown connect session token", async () => {
    const count = await connectionCount();
    const page = await new BrowserClient().get(h.startUrl("adsc_cs_not-a-real-token"));
    expect(page.status).toBe(401);
    expect(resultOf(page)).toMatchObject({ type: "ads-connect:error", error: { code: "connect_session_invalid" } });
    expect(await connectionCount()).toBe(count);
  });

  it("an expired connect session token", async () => {
    const short = await startHarness({ env: { CONNECT_SESSION_TTL_SECONDS: "1" } });
    try {
      const { token, expires_at } = await short.createSession();
      // Wait for the session's own expiry time to pass, then use it.
      while (Date.now() <= Date.parse(expires_at)) await new Promise((r) => setTimeout(r, 50));
      const page = await new BrowserClient().get(short.startUrl(token));
      expect(page.status).toBe(401);
      expect(resultOf(page).type === "ads-connect:error" && resultOf(page)).toMatchObject({ error: { code: "connect_session_expired" } });
      expect((await (await fetch(`${short.server.url}/connect/session/status`, { headers: { authorization: `Bearer ${token}` } })).json()).data.status).toBe("expired");
    } finally {
      await short.close();
    }
  });

  it("an origin that is not allowed (and nothing is posted to it)", async () => {
    const { token } = await h.createSession();
    const page = await new BrowserClient().get(h.startUrl(token, "https://evil.example"));
    expect(page.status).toBe(400);
    expect(page.body).toContain('data-error-code="origin_not_allowed"');
    expect(page.body).not.toContain("postMessage");
    expect(page.body).not.toContain("evil.example");
  });

  it("a replayed state with another code", async () => {
    const { browser, page } = await connectAs(h, "adele@contoso.example");
    const count = await connectionCount();
    const replay = new URL(page.url);
    replay.searchParams.set("code", "attacker-code");
    const again = await browser.get(replay.href);
    expect(again.status).toBe(400);
    expect(again.body).toContain('data-error-code="state_already_used"');
    expect(await connectionCount()).toBe(count);
  });

  it("a callback from another browser (no binding cookie)", async () => {
    const { token } = await h.createSession();
    const victim = new BrowserClient();
    const login = await victim.get(h.startUrl(token));
    // The victim's browser signs in, but the callback URL is opened in a different browser.
    const interaction = /name="interaction" value="([^"]+)"/.exec(login.body)![1]!;
    const action = /action="([^"]+)"/.exec(login.body)![1]!;
    const res = await fetch(new URL(action, login.url), {
      method: "POST",
      body: new URLSearchParams({ interaction, username: "adele@contoso.example" }),
      redirect: "manual",
    });
    const page = await new BrowserClient().get(res.headers.get("location")!);
    expect(page.status).toBe(403);
    expect(page.body).toContain('data-error-code="attempt_browser_mismatch"');
  });

  it("a code obtained with another PKCE challenge", async () => {
    const count = await connectionCount();
    const { token } = await h.createSession();
    const browser = new BrowserClient();
    const start = await browser.get(h.startUrl(token), { follow: false });
    const authorize = new URL(start.headers.get("location")!);
    authorize.searchParams.set("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    const page = await signInAs(browser, await browser.get(authorize.href), "adele@contoso.example");
    expect(resultOf(page)).toMatchObject({ type: "ads-connect:error", error: { code: "pkce_mismatch", aadsts: 501481 } });
    expect(await connectionCount()).toBe(count);
  });

  it("an ID token whose nonce does not match the attempt", async () => {
    const count = await connectionCount();
    const { token } = await h.createSession();
    const browser = new BrowserClient();
    const start = await browser.get(h.startUrl(token), { follow: false });
    const authorize = new URL(start.headers.get("location")!);
    authorize.searchParams.set("nonce", "a-nonce-the-server-never-issued");
    const page = await signInAs(browser, await browser.get(authorize.href), "adele@contoso.example");
    expect(resultOf(page)).toMatchObject({ type: "ads-connect:error", error: { code: "nonce_mismatch" } });
    expect(await connectionCount()).toBe(count);
  });

  it("a token response without a refresh token (offline_access stripped)", async () => {
    const count = await connectionCount();
    const { token } = await h.createSession();
    const browser = new BrowserClient();
    const start = await browser.get(h.startUrl(token), { follow: false });
    const authorize = new URL(start.headers.get("location")!);
    authorize.searchParams.set("scope", authorize.searchParams.get("scope")!.replace("offline_access", "").trim());
    const page = await signInAs(browser, await browser.get(authorize.href), "adele@contoso.example");
    expect(resultOf(page)).toMatchObject({ type: "ads-connect:error", error: { code: "offline_access_missing", actor: "product_team" } });
    expect(await connectionCount()).toBe(count);
  });

  it.each([
    ["declined@contoso.example", "consent_declined", 65004, "end_user"],
    ["needs-admin@fabrikam.example", "admin_consent_required", 90094, "end_user_admin"],
    ["mfa@contoso.example", "mfa_required", 50076, "end_user"],
    ["throttled@contoso.example", "provider_temporarily_unavailable", null, "none"],
    ["flaky@contoso.example", "provider_temporarily_unavailable", 90033, "none"],
  ])("%s → %s in the result, the session status and a failure webhook", async (username, code, aadsts, actor) => {
    const count = await connectionCount();
    const before = h.webhooks.received.length;
    const { result, token } = await connectAs(h, username);
    expect(result).toMatchObject({ type: "ads-connect:error", error: { code, actor } });
    if (aadsts !== null && result.type === "ads-connect:error") expect(result.error.aadsts).toBe(aadsts);
    expect((await sessionStatus(token)).data).toMatchObject({ status: "error", result: { error: { code } } });
    expect(await connectionCount()).toBe(count);
    const hooks = (await h.webhooks.waitFor(before + 1)).slice(before);
    expect(client.verifyWebhook(hooks[0]!.rawBody, hooks[0]!.headers)).toMatchObject({ success: false, error: { type: code } });
  });

  it("a start without origin still works as a plain connect link, posting to nobody", async () => {
    const { connect_link } = await h.createSession({ end_user: { id: "link-user" } });
    const browser = new BrowserClient();
    const page = await signInAs(browser, await browser.get(connect_link), "adele@contoso.example");
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-result="success"');
    expect(page.body).not.toContain("postMessage");
    expect((await client.listConnections({ endUserId: "link-user" })).connections).toHaveLength(1);
  });
});
