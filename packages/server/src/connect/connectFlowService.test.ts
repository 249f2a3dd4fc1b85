import { CONSUMERS_TENANT_ID, CONTOSO_TENANT_ID } from "@ads-connect/entra-emulator";
import { AdsConnectClient } from "@ads-connect/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { beginSignIn, connectAs, type Harness, resultOf, signInAs, startForm, startHarness, submitStart, WIDGET_ORIGIN } from "../testing/harness.js";

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

    const row = await h.server.db
      .selectFrom("connections")
      .select("credentials_enc")
      .where("connection_id", "=", result.connection_id)
      .executeTakeFirstOrThrow();
    expect(row.credentials_enc).not.toContain(connection.credentials.access_token);
    expect(row.credentials_enc).not.toContain(connection.credentials.refresh_token!);
    expect(JSON.parse(row.credentials_enc)).toHaveProperty("ciphertext");

    const [webhook] = (await h.webhooks.waitFor(before + 1)).slice(before);
    const body = client.verifyWebhook(webhook!.rawBody, webhook!.headers);
    expect(body).toMatchObject({
      type: "auth",
      operation: "creation",
      success: true,
      connectionId: result.connection_id,
      endUser: { endUserId: "end-user-1" },
    });

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
    const login = await beginSignIn(browser, h.startUrl(reconnect.data.token));
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
      expect((await (await fetch(`${short.server.url}/connect/session/status`, { headers: { authorization: `Bearer ${token}` } })).json()).data.status).toBe(
        "expired",
      );
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
    const login = await beginSignIn(victim, h.startUrl(token));
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
    const start = await beginSignIn(browser, h.startUrl(token), { follow: false });
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
    const start = await beginSignIn(browser, h.startUrl(token), { follow: false });
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
    const start = await beginSignIn(browser, h.startUrl(token), { follow: false });
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

  it("a start without origin still works as a plain connect link after Continue, posting to nobody", async () => {
    const { connect_link } = await h.createSession({ end_user: { id: "link-user" } });
    const browser = new BrowserClient();
    const page = await signInAs(browser, await beginSignIn(browser, connect_link), "adele@contoso.example");
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-result="success"');
    expect(page.body).not.toContain("postMessage");
    expect((await client.listConnections({ endUserId: "link-user" })).connections).toHaveLength(1);
  });
});

describe("one connect session, two overlapping callbacks", () => {
  it("connects once: the callback that finishes second is told the session was used, and stores nothing", async () => {
    const { token } = await h.createSession({ end_user: { id: "race-user" } });
    const browser = new BrowserClient();
    // Two attempts of the same session, each signed in at Microsoft; their callbacks not yet loaded.
    const first = await signInAs(browser, await beginSignIn(browser, h.startUrl(token)), "adele@contoso.example", { follow: false });
    const second = await signInAs(browser, await beginSignIn(browser, h.startUrl(token)), "megan@contoso.example", { follow: false });
    const firstCallback = first.headers.get("location")!;
    const secondCallback = second.headers.get("location")!;
    expect(firstCallback).toContain("/oauth/callback?");
    const before = h.webhooks.received.length;

    // The first callback's token exchange is held at Microsoft while the second runs to the end.
    const hold = h.emulator.holdNextTokenResponse("authorization_code");
    const slow = browser.get(firstCallback);
    await hold.held;
    const fast = await browser.get(secondCallback);
    hold.release();
    const late = await slow;

    expect(resultOf(fast)).toMatchObject({ type: "ads-connect:success", account: { username: "megan@contoso.example" } });
    expect(late.status).toBe(200);
    expect(resultOf(late)).toMatchObject({ type: "ads-connect:error", error: { code: "connect_session_used" } });
    const connections = (await client.listConnections({ endUserId: "race-user" })).connections;
    expect(connections.map((c) => c.account.username)).toEqual(["megan@contoso.example"]);
    // One success webhook, no second one for the losing callback's account.
    // (Auth events only: the account sync's own `sync` event may come first.)
    const authHooks = () =>
      h.webhooks.received
        .slice(before)
        .map((w) => client.verifyWebhook(w.rawBody, w.headers))
        .filter((w) => w?.type === "auth");
    await expect.poll(authHooks, { timeout: 10_000 }).toHaveLength(1);
    expect(authHooks().filter((w) => w.success === true)).toHaveLength(1);
    expect((await sessionStatus(token)).data).toMatchObject({ status: "success", result: { type: "ads-connect:success" } });
  });
});

describe("a connect link works only with the person's go-ahead (consent phishing)", () => {
  const attacker = { id: "attacker-42", email: "mallory@attacker.example", display_name: "Mallory <Ads>" };

  it("opened in someone else's browser: a page names the end user, and nobody reaches Microsoft without Continue", async () => {
    const { connect_link, token } = await h.createSession({ end_user: attacker });
    const authorizeRequests = h.emulator.stats.authorizeRequests;
    const victim = new BrowserClient();
    const page = await victim.get(connect_link, { follow: false });
    expect(page.status).toBe(200);
    expect(page.headers.get("location")).toBeNull();
    expect(page.body).toContain(
      "<bdi>This app</bdi> wants to connect your Microsoft Advertising account for <bdi>Mallory &#60;Ads&#62; (mallory@attacker.example)</bdi>.",
    );
    expect(page.body).toContain('data-connect-start="confirm"');
    expect(page.body).not.toContain("<Ads>");
    expect(page.body).not.toContain("postMessage");
    expect(h.emulator.stats.authorizeRequests).toBe(authorizeRequests);

    // The victim cancels: a result page, the session says so, nothing connected.
    const cancelled = await submitStart(victim, page, "cancel");
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toContain('data-error-code="user_cancelled"');
    expect((await sessionStatus(token)).data).toMatchObject({ status: "error", result: { error: { code: "user_cancelled" } } });
    expect(h.emulator.stats.authorizeRequests).toBe(authorizeRequests);
    expect((await client.listConnections({ endUserId: "attacker-42" })).connections).toEqual([]);
    // The end user's name and email are shown to the visitor, never logged.
    const logs = h.logs.join("\n");
    expect(logs).not.toContain("mallory@attacker.example");
    expect(logs).not.toContain("Mallory");
  });

  it("a forged, missing, replayed or other-browser proof is refused with a result page", async () => {
    const { token } = await h.createSession({ end_user: attacker });
    const authorizeRequests = h.emulator.stats.authorizeRequests;
    const browser = new BrowserClient();
    const page = await browser.get(h.startUrl(token));
    const { action, proof } = startForm(page);
    const post = (b: BrowserClient, form: Record<string, string>) => b.postForm(new URL(action, page.url).href, form, { follow: false });

    const forged = await post(browser, { proof: "a-proof-the-server-never-issued", decision: "continue" });
    expect(forged.status).toBe(400);
    expect(forged.body).toContain('data-error-code="state_invalid"');
    const missing = await post(browser, { decision: "continue" });
    expect(missing.status).toBe(400);
    expect(missing.body).toContain('data-error-code="state_invalid"');
    // The real proof from another browser (a cross-site form post has no binding cookie either).
    const elsewhere = await post(new BrowserClient(), { proof, decision: "continue" });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body).toContain('data-error-code="attempt_browser_mismatch"');
    expect(h.emulator.stats.authorizeRequests).toBe(authorizeRequests);

    // The browser that opened the page continues, once.
    const ok = await post(browser, { proof, decision: "continue" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toContain(`${h.emulator.url}/common/oauth2/v2.0/authorize?`);
    const replay = await post(browser, { proof, decision: "continue" });
    expect(replay.status).toBe(400);
    expect(replay.body).toContain('data-error-code="state_invalid"');
  });

  it("opened by the widget: the page shakes hands with its opener at the validated origin before going on", async () => {
    const { token } = await h.createSession({ end_user: attacker });
    const url = new URL(h.startUrl(token));
    url.searchParams.set("flow", "flow-0123456789");
    const page = await new BrowserClient().get(url.href);
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-handshake="pending"');
    expect(page.body).toContain(`var origin = "${WIDGET_ORIGIN}";`);
    expect(page.body).toContain("window.opener.postMessage(hello, origin)");
    expect(page.body).toContain('flow: "flow-0123456789"');
    // The product's origins too: in redirect mode a form post of the flow ends on the product page.
    expect(page.headers.get("content-security-policy")).toContain(`form-action 'self' ${h.server.config.allowedOrigins.join(" ")} ${h.emulator.url}`);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'nonce-");
  });

  it("control and bidi characters in the end user's name and PRODUCT_NAME are dropped, and each text is isolated in a <bdi>", async () => {
    // U+202E (right-to-left override) would show "…for Mallory" as "rof … yrollaM" and swallow the warning's sense.
    const named = await startHarness({ env: { PRODUCT_NAME: "Acme\u202e Reporting\u0007\u2066" } });
    try {
      const { connect_link } = await named.createSession({
        end_user: { id: "attacker-43", email: "m@attacker.example", display_name: "\u202eMallory\u202c\u061c\nVance\u0085\u009b" },
      });
      const page = await new BrowserClient().get(connect_link);
      expect(page.body).toContain(
        "<bdi>Acme Reporting</bdi> wants to connect your Microsoft Advertising account for <bdi>Mallory Vance (m@attacker.example)</bdi>.",
      );
      expect(page.body).toContain("Continue only if you are <bdi>Mallory Vance (m@attacker.example)</bdi> or asked");
      expect(page.body).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    } finally {
      await named.close();
    }
  });

  it("names the product as PRODUCT_NAME says", async () => {
    const named = await startHarness({ env: { PRODUCT_NAME: "Acme Ads Reporting" } });
    try {
      const { connect_link } = await named.createSession({ end_user: { id: "attacker-42" } });
      const page = await new BrowserClient().get(connect_link);
      expect(page.body).toContain("<bdi>Acme Ads Reporting</bdi> wants to connect your Microsoft Advertising account for <bdi>attacker-42</bdi>.");
    } finally {
      await named.close();
    }
  });
});
