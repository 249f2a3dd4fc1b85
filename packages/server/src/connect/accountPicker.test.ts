import { AdsConnectClient } from "@ads-connect/node";
import { type AuthWebhookBody, AuthWebhookBodySchema, CONNECT_SUCCESS, type ConnectResult } from "@ads-connect/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserClient, type Page } from "../testing/browserClient.js";
import {
  beginSignIn,
  connectAs,
  type Harness,
  pickerForm,
  resultOf,
  signInAs,
  startForm,
  startHarness,
  submitPicker,
  submitStart,
  WIDGET_ORIGIN,
} from "../testing/harness.js";

let h: Harness;
let client: AdsConnectClient;

beforeAll(async () => {
  h = await startHarness();
  client = new AdsConnectClient({ host: h.server.url, secretKey: h.secretKey, webhookSigningKey: h.webhookSigningKey });
});
afterAll(() => h.close());

const endUser = (id: string) => ({ end_user: { id, email: "owner@product.example", display_name: "Owner" } });

/** Start → Microsoft → callback, stopping at whatever the callback shows (picker or result). */
async function signIn(username: string, session: object = endUser("picker-user"), browser = new BrowserClient()) {
  const { token } = await h.createSession(session);
  const page = await signInAs(browser, await beginSignIn(browser, h.startUrl(token)), username);
  return { browser, token, page };
}

async function sessionStatus(token: string) {
  const res = await fetch(`${h.server.url}/connect/session/status`, { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as { data: { status: string; result: ConnectResult | null } };
}

/** Auth webhooks received for a connection (sync events left out), verified. */
function authHooks(connectionId: string): AuthWebhookBody[] {
  return h.webhooks.received
    .map((w) => client.verifyWebhook(w.rawBody, w.headers))
    .filter((b): b is AuthWebhookBody => b?.type === "auth" && AuthWebhookBodySchema.safeParse(b).success && b.connectionId === connectionId);
}

function success(result: ConnectResult) {
  if (result.type !== CONNECT_SUCCESS) throw new Error(`expected a success, got ${JSON.stringify(result)}`);
  return result;
}

/** A refusal's result page names its code (it posts nothing: nobody is known to tell). */
function errorCodeOf(page: Page): string | undefined {
  return /data-result="error" data-error-code="([^"]+)"/.exec(page.body)?.[1];
}

function rows(page: Page): string[] {
  return [...page.body.matchAll(/<div class="adsc-account"[^>]*>.*?<\/div>/g)].map((m) => m[0]);
}

describe("account picker after sign-in", () => {
  it("three accounts, default (multiple): checkboxes naming name, Number, Account ID and customer; the choice is stored, in the result, the status and one creation webhook", async () => {
    const { browser, token, page } = await signIn("three@contoso.example");
    const form = pickerForm(page);
    expect(form).toMatchObject({ mode: "multiple" });
    const accounts = h.ads.accounts("three@contoso.example");
    expect(form!.accountIds).toEqual(accounts.map((a) => a.Id));
    const [first] = rows(page);
    expect(first).toContain('type="checkbox"');
    expect(first).toContain(accounts[0]!.Name);
    expect(first).toContain(`Number <bdi>${accounts[0]!.Number}</bdi>`);
    expect(first).toContain(`Account ID <bdi>${accounts[0]!.Id}</bdi>`);
    expect(first).toContain(`Customer <bdi>${accounts[0]!.ParentCustomerId}</bdi>`);
    expect(page.body).toMatch(/<fieldset>\s*<legend>Microsoft Advertising accounts<\/legend>/);
    expect(page.body).toContain(`<label for="adsc-a-0">`);
    expect(page.body).not.toContain('id="adsc-search"'); // three accounts: no search box
    expect(page.headers.get("content-security-policy")).toContain("form-action 'self'");

    // While the picker is open: the widget's poll keeps waiting, no webhook yet.
    expect((await sessionStatus(token)).data).toMatchObject({ status: "authorizing", result: null });

    const chosen = [accounts[2]!.Id, accounts[0]!.Id];
    const done = await submitPicker(browser, page, chosen);
    expect(done.status).toBe(200);
    const result = success(resultOf(done));
    expect(done.body).toContain(`postMessage(result, "${WIDGET_ORIGIN}")`);
    // Stored in Microsoft's order, whatever order the form sent.
    expect(result.accounts.map((a) => a.id)).toEqual([accounts[0]!.Id, accounts[2]!.Id]);
    expect(result.accounts[0]).toMatchObject({ number: accounts[0]!.Number, customer_id: accounts[0]!.ParentCustomerId });

    const connection = await client.getConnection(result.connection_id);
    expect(connection.selected_account_ids).toEqual([accounts[0]!.Id, accounts[2]!.Id]);
    expect((await client.listConnections({ connectionId: result.connection_id })).connections[0]!.selected_account_ids).toEqual([
      accounts[0]!.Id,
      accounts[2]!.Id,
    ]);
    expect((await sessionStatus(token)).data).toMatchObject({ status: "success", result: { accounts: result.accounts } });

    await expect.poll(() => authHooks(result.connection_id), { timeout: 10_000 }).toHaveLength(1);
    expect(authHooks(result.connection_id)[0]).toMatchObject({
      operation: "creation",
      success: true,
      accountSelection: "chosen",
      selectedAccounts: result.accounts,
    });

    // The callback loaded again shows the final result, not the picker.
    const again = await browser.get(page.url);
    expect(pickerForm(again)).toBeNull();
    expect(success(resultOf(again)).accounts).toEqual(result.accounts);
  });

  it("single: radio buttons, exactly one (two or none are asked again, nothing spent)", async () => {
    const { browser, page } = await signIn("three@contoso.example", { ...endUser("single-user"), account_selection: "single" });
    const form = pickerForm(page)!;
    expect(form.mode).toBe("single");
    expect(rows(page)[0]).toContain('type="radio"');
    expect(rows(page)[0]).toContain(" required");
    const two = await submitPicker(browser, page, form.accountIds.slice(0, 2));
    expect(two.status).toBe(400);
    expect(two.body).toContain("Choose an account to continue.");
    const none = await submitPicker(browser, two, []);
    expect(none.status).toBe(400);
    const done = await submitPicker(browser, none, [form.accountIds[1]!]);
    expect(success(resultOf(done)).accounts.map((a) => a.id)).toEqual([form.accountIds[1]]);
  });

  it("multiple with nothing ticked, or an id that is not the user's: asked again with a message", async () => {
    const { browser, page } = await signIn("three@contoso.example", endUser("empty-choice"));
    const none = await submitPicker(browser, page, []);
    expect(none.status).toBe(400);
    expect(none.body).toContain("Choose at least one account to continue.");
    const stranger = await submitPicker(browser, none, ["999999"]);
    expect(stranger.status).toBe(400);
    expect(pickerForm(stranger)).not.toBeNull();
  });

  it('"all": every account without asking, webhook says automatic', async () => {
    const { page } = await signIn("three@contoso.example", { ...endUser("all-user"), account_selection: "all" });
    expect(pickerForm(page)).toBeNull();
    const result = success(resultOf(page));
    expect(result.accounts.map((a) => a.id)).toEqual(h.ads.accounts("three@contoso.example").map((a) => a.Id));
    await expect.poll(() => authHooks(result.connection_id), { timeout: 10_000 }).toHaveLength(1);
    expect(authHooks(result.connection_id)[0]).toMatchObject({ accountSelection: "automatic", selectedAccounts: result.accounts });
  });

  it("one account: selected without asking", async () => {
    const { page } = await signIn("adele@contoso.example", endUser("one-account"));
    expect(pickerForm(page)).toBeNull();
    const result = success(resultOf(page));
    expect(result.accounts.map((a) => a.name)).toEqual(["Contoso Ads"]);
    expect((await client.getConnection(result.connection_id)).selected_account_ids).toEqual([result.accounts[0]!.id]);
  });

  it("zero accounts: a plain explanation with the next step; still a success with accounts: [] (status and webhook)", async () => {
    const { token, page } = await signIn("none@contoso.example", endUser("no-accounts"));
    expect(pickerForm(page)).toBeNull();
    expect(page.body).toContain("No Microsoft Advertising accounts yet");
    expect(page.body).toContain("sign up at ads.microsoft.com");
    expect(page.body).toContain("invite <bdi>none@contoso.example</bdi>");
    expect(page.body).toContain('id="adsc-close"');
    const result = success(resultOf(page));
    expect(result.accounts).toEqual([]);
    expect(page.body).toContain(`postMessage(result, "${WIDGET_ORIGIN}")`);
    expect((await sessionStatus(token)).data).toMatchObject({ status: "success", result: { accounts: [] } });
    await expect.poll(() => authHooks(result.connection_id), { timeout: 10_000 }).toHaveLength(1);
    expect(authHooks(result.connection_id)[0]).toMatchObject({ accountSelection: "no_accounts", selectedAccounts: [] });
  });

  it("2,500 accounts: every one listed, with the search box (shown by the page's script)", async () => {
    const { browser, page } = await signIn("many@contoso.example", endUser("many-user"));
    const form = pickerForm(page)!;
    expect(form.accountIds).toHaveLength(2500);
    expect(page.body).toMatch(/<div class="adsc-search" id="adsc-search-box" hidden>/);
    expect(page.body).toContain('aria-live="polite"');
    expect(page.body).toContain("2,500 accounts");
    const done = await submitPicker(browser, page, form.accountIds.slice(1000, 1003));
    expect(success(resultOf(done)).accounts).toHaveLength(3);
  });
});

describe("the picker's form is bound and single-use", () => {
  it("a forged token, a replay, another browser: each a result page, never a 500", async () => {
    const { browser, page } = await signIn("three@contoso.example", endUser("bound-user"));
    const form = pickerForm(page)!;

    const forged = await submitPicker(browser, page, [form.accountIds[0]!], { token: "forged-token" });
    expect(forged.status).toBe(400);
    expect(errorCodeOf(forged)).toBe("state_invalid");
    expect(forged.body).not.toContain('postMessage(result, "');

    const otherBrowser = await submitPicker(new BrowserClient(), page, [form.accountIds[0]!]);
    expect(otherBrowser.status).toBe(403);
    expect(errorCodeOf(otherBrowser)).toBe("attempt_browser_mismatch");

    const done = await submitPicker(browser, page, [form.accountIds[0]!]);
    const result = success(resultOf(done));
    const replay = await submitPicker(browser, page, [form.accountIds[1]!]);
    expect(replay.status).toBe(400);
    expect(errorCodeOf(replay)).toBe("state_already_used");
    expect((await client.getConnection(result.connection_id)).selected_account_ids).toEqual([form.accountIds[0]]);
    await expect.poll(() => authHooks(result.connection_id), { timeout: 10_000 }).toHaveLength(1);
  });

  it("a reload while the picker is open shows it again with a new token; the old page's token stops working", async () => {
    const { browser, page } = await signIn("three@contoso.example", endUser("reload-user"));
    const reloaded = await browser.get(page.url);
    const first = pickerForm(page)!;
    const second = pickerForm(reloaded)!;
    expect(second.token).not.toBe(first.token);
    const stale = await submitPicker(browser, page, [first.accountIds[0]!]);
    expect(errorCodeOf(stale)).toBe("state_invalid");
    const done = await submitPicker(browser, reloaded, [second.accountIds[0]!]);
    expect(success(resultOf(done)).accounts).toHaveLength(1);
  });
});

describe("session setting account_selection", () => {
  it("refuses an unknown value with a clear 400", async () => {
    const res = await h.api("POST", "/connect/sessions", { ...endUser("x"), account_selection: "some" });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: "invalid_body" } });
  });
});

describe("PATCH /connections/:id selected_account_ids", () => {
  it("accepts any subset of the connection's active accounts ([] too) and refuses strangers with a 400", async () => {
    const { result } = await connectAs(h, "three@contoso.example", {
      token: (await h.createSession(endUser("patch-user"))).token,
      choose: (ids) => ids.slice(0, 1),
    });
    const id = success(result).connection_id;
    const ids = h.ads.accounts("three@contoso.example").map((a) => a.Id);

    const stranger = await h.api("PATCH", `/connections/${id}?provider_config_key=microsoft-ads`, { selected_account_ids: [ids[0], "424242"] });
    expect(stranger.status).toBe(400);
    expect(stranger.json).toMatchObject({ error: { code: "invalid_body" } });
    expect(JSON.stringify(stranger.json)).toContain("424242");
    const notArray = await h.api("PATCH", `/connections/${id}?provider_config_key=microsoft-ads`, { selected_account_ids: "x" });
    expect(notArray.status).toBe(400);
    expect((await client.getConnection(id)).selected_account_ids).toEqual([ids[0]]);

    expect(await client.patchConnection(id, { selected_account_ids: [ids[2]!, ids[1]!] })).toEqual({ success: true });
    expect((await client.getConnection(id)).selected_account_ids).toEqual([ids[1], ids[2]]);
    await client.patchConnection(id, { selected_account_ids: [] });
    expect((await client.getConnection(id)).selected_account_ids).toEqual([]);
  });
});

describe("change-accounts session", () => {
  it("its link opens only the picker (no Microsoft) and stores the new choice", async () => {
    const { result } = await connectAs(h, "three@contoso.example", {
      token: (await h.createSession(endUser("change-user"))).token,
      choose: (ids) => ids.slice(0, 1),
    });
    const id = success(result).connection_id;
    const ids = h.ads.accounts("three@contoso.example").map((a) => a.Id);

    const { data } = await client.createChangeAccountsSession({ connection_id: id, account_selection: "single" });
    const browser = new BrowserClient();
    const page = await submitStart(browser, await browser.get(h.startUrl(data.token)));
    expect(browser.history.some((u) => u.startsWith(h.emulator.url))).toBe(false);
    const form = pickerForm(page)!;
    expect(form.mode).toBe("single");
    expect(form.accountIds).toEqual(ids);
    expect((await sessionStatus(data.token)).data.status).toBe("authorizing");

    const done = await submitPicker(browser, page, [ids[2]!]);
    const changed = success(resultOf(done));
    expect(changed).toMatchObject({ connection_id: id, operation: "override", account: { username: "three@contoso.example" } });
    expect(changed.accounts.map((a) => a.id)).toEqual([ids[2]]);
    expect((await client.getConnection(id)).selected_account_ids).toEqual([ids[2]]);
    expect((await sessionStatus(data.token)).data).toMatchObject({ status: "success", result: { accounts: changed.accounts } });
    // The session is spent.
    const reuse = await new BrowserClient().get(h.startUrl(data.token));
    expect(errorCodeOf(reuse)).toBe("connect_session_used");
  });

  it("its link shows nobody's accounts or Microsoft identity before the handshake or Continue, and asks Microsoft for the accounts once per session", async () => {
    const username = "three@contoso.example";
    const { result } = await connectAs(h, username, { token: (await h.createSession(endUser("change-guarded"))).token, choose: (ids) => ids.slice(0, 1) });
    const connection = await client.getConnection(success(result).connection_id);
    const accounts = h.ads.accounts(username);
    const { data } = await client.createChangeAccountsSession({ connection_id: connection.connection_id });
    const syncCalls = () => h.ads.callCount("User/Query") + h.ads.callCount("Accounts/Search");
    const before = syncCalls();

    // A fresh browser without cookies, twice: the confirmation naming the end user (as the product
    // described them), nothing of the Microsoft account, and no call to Microsoft.
    for (let i = 0; i < 2; i++) {
      const page = await new BrowserClient().get(h.startUrl(data.token));
      expect(page.status).toBe(200);
      expect(page.body).toContain('data-connect-start="confirm"');
      expect(page.body).toContain("Change Microsoft Advertising accounts?");
      expect(page.body).toContain("<bdi>Owner (owner@product.example)</bdi>");
      expect(pickerForm(page)).toBeNull();
      expect(page.body).not.toContain("Signed in as");
      for (const text of [username, connection.account?.display_name ?? username, ...accounts.flatMap((a) => [a.Name, a.Number, a.Id])])
        expect(page.body).not.toContain(text);
    }
    expect(syncCalls()).toBe(before);
    // The widget's popup shakes hands first, as for a connect link.
    const url = new URL(h.startUrl(data.token));
    url.searchParams.set("flow", "flow-change-0001");
    expect((await new BrowserClient().get(url.href)).body).toContain('data-handshake="pending"');

    // Another browser cannot use this page's proof.
    const browser = new BrowserClient();
    const start = await browser.get(h.startUrl(data.token));
    const stolen = await new BrowserClient().postForm(new URL(startForm(start).action, start.url).href, {
      proof: startForm(start).proof,
      decision: "continue",
    });
    expect(errorCodeOf(stolen)).toBe("attempt_browser_mismatch");
    expect(syncCalls()).toBe(before);

    // Continue shows the picker, after one refresh at Microsoft; opening the link again does not refresh again.
    const first = await submitStart(browser, await browser.get(h.startUrl(data.token)));
    expect(pickerForm(first)!.accountIds).toEqual(accounts.map((a) => a.Id));
    const afterFirst = syncCalls();
    expect(afterFirst).toBeGreaterThan(before);
    const again = await submitStart(browser, await browser.get(h.startUrl(data.token)));
    expect(pickerForm(again)!.accountIds).toEqual(accounts.map((a) => a.Id));
    expect(syncCalls()).toBe(afterFirst);
    const done = await submitPicker(browser, again, [accounts[1]!.Id]);
    expect(success(resultOf(done)).accounts.map((a) => a.id)).toEqual([accounts[1]!.Id]);
  });

  it("Cancel on its confirmation changes nothing", async () => {
    const { result } = await connectAs(h, "three@contoso.example", {
      token: (await h.createSession(endUser("change-cancel"))).token,
      choose: (ids) => ids.slice(0, 1),
    });
    const id = success(result).connection_id;
    const { data } = await client.createChangeAccountsSession({ connection_id: id });
    const browser = new BrowserClient();
    const cancelled = await submitStart(browser, await browser.get(h.startUrl(data.token)), "cancel");
    expect(errorCodeOf(cancelled)).toBe("user_cancelled");
    expect(cancelled.body).toContain("Nothing was changed.");
    expect((await client.getConnection(id)).selected_account_ids).toEqual([success(result).accounts[0]!.id]);
  });

  it("refuses an unknown connection with a 404", async () => {
    const res = await h.api("POST", "/connect/sessions/change-accounts", { connection_id: "nope", integration_id: "microsoft-ads" });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("reconnect", () => {
  it("keeps the selection while its accounts exist (no picker); asks again once it is empty", async () => {
    const { result } = await connectAs(h, "three@contoso.example", {
      token: (await h.createSession(endUser("reconnect-user"))).token,
      choose: (ids) => ids.slice(1, 2),
    });
    const id = success(result).connection_id;
    const chosen = success(result).accounts;

    const browser = new BrowserClient();
    const page = await signInAs(
      browser,
      await beginSignIn(browser, h.startUrl((await client.createReconnectSession({ connection_id: id })).data.token)),
      "three@contoso.example",
    );
    expect(pickerForm(page)).toBeNull();
    const kept = success(resultOf(page));
    expect(kept).toMatchObject({ operation: "override", accounts: chosen });
    await expect.poll(() => authHooks(id).filter((w) => w.operation === "override" && w.accountSelection === "kept"), { timeout: 10_000 }).toHaveLength(1);

    await client.patchConnection(id, { selected_account_ids: [] });
    const browser2 = new BrowserClient();
    const asked = await signInAs(
      browser2,
      await beginSignIn(browser2, h.startUrl((await client.createReconnectSession({ connection_id: id })).data.token)),
      "three@contoso.example",
    );
    expect(pickerForm(asked)).not.toBeNull();
  });
});
