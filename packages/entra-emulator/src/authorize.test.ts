import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_CLIENT_ID } from "./devClient.js";
import { startEntraEmulator } from "./startEntraEmulator.js";
import { ADS_SCOPE, aadstsOf, codeFlow, REDIRECT_URI } from "./testing/codeFlow.js";
import type { EntraEmulator } from "./types.js";

let emulator: EntraEmulator;
let flow: ReturnType<typeof codeFlow>;
beforeAll(async () => {
  emulator = await startEntraEmulator();
  flow = codeFlow(emulator);
});
afterAll(() => emulator.close());

/** Authorize with these overrides and return the redirect's parameters (expects a redirect). */
const redirectParams = async (overrides: Record<string, string | null>, tenant = "common") => {
  const { query } = flow.authorizeQuery(overrides);
  const response = await flow.authorize(query, tenant);
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get("location") ?? "");
  expect(location.origin + location.pathname).toBe(REDIRECT_URI);
  expect(location.searchParams.get("state")).toBe(query.get("state"));
  return location.searchParams;
};

describe("authorize", () => {
  it("shows an error page, not a redirect, for an unknown client", async () => {
    const { query } = flow.authorizeQuery({ client_id: "12345678-0000-4000-8000-000000000000" });
    const response = await flow.authorize(query);
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(await response.text()).toContain(
      "AADSTS700016: Application with identifier &#39;12345678-0000-4000-8000-000000000000&#39; was not found in the directory",
    );
  });

  it("shows an error page for a redirect URI the client has not registered", async () => {
    emulator.addClient({ clientId: "strict-client", clientSecret: "s", redirectUris: ["https://app.example/cb"] });
    const { query } = flow.authorizeQuery({ client_id: "strict-client" });
    const response = await flow.authorize(query);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(`AADSTS50011: The redirect URI &#39;${REDIRECT_URI}&#39; specified in the request does not match`);
  });

  it.each([
    [{ response_type: "token" }, "unsupported_response_type", 700054],
    [{ scope: `https://ads.microsoft.com/.default ${ADS_SCOPE} openid` }, "invalid_scope", 70011],
    [{ scope: `${ADS_SCOPE} https://graph.microsoft.com/User.Read` }, "invalid_scope", 28000],
    [{ code_challenge_method: "S512" }, "invalid_request", 90023],
    [{ prompt: "sometimes" }, "invalid_request", 90023],
  ])("redirects %o with %s AADSTS%i", async (overrides, error, code) => {
    const params = await redirectParams(overrides);
    expect(params.get("error")).toBe(error);
    expect(aadstsOf(params.get("error_description"))).toBe(code);
  });

  it("uses Entra's wording for a mixed .default scope", async () => {
    const params = await redirectParams({ scope: `https://ads.microsoft.com/.default ${ADS_SCOPE}` });
    expect(params.get("error_description")).toContain(".default scope can't be combined with resource-specific scopes.");
  });

  it("records the request and counts it", async () => {
    const before = emulator.stats.authorizeRequests;
    const { query } = flow.authorizeQuery({ login_hint: "megan@contoso.example", prompt: "select_account" });
    const response = await flow.authorize(query);
    expect(emulator.stats.authorizeRequests).toBe(before + 1);
    expect(emulator.lastAuthorizeRequest?.toString()).toBe(query.toString());
    const html = await response.text();
    expect(html).toContain("<title>Sign in — Entra emulator</title>");
    expect(html).toMatch(/data-testid="user-megan@contoso\.example" autofocus/);
  });

  it("honours ui_locales: the sign-in page names the first well-formed language tag it was asked for", async () => {
    const page = async (ui_locales?: string) => (await flow.authorize(flow.authorizeQuery(ui_locales ? { ui_locales } : {}).query)).text();
    expect(await page("ar-EG fr")).toContain('data-ui-locale="ar-EG"');
    expect(await page("<x> ja")).toContain('data-ui-locale="ja"');
    expect(await page()).toContain('data-ui-locale=""');
    expect(emulator.lastAuthorizeRequest?.get("ui_locales")).toBeNull();
  });

  it("lists only the users who fit the tenant path", async () => {
    const usersOn = async (tenant: string) => {
      const html = await (await flow.authorize(flow.authorizeQuery().query, tenant)).text();
      return [...html.matchAll(/data-testid="user-([^"]+)"/g)].map((m) => m[1]);
    };
    expect(await usersOn("common")).toHaveLength(emulator.users.length);
    expect(await usersOn("organizations")).not.toContain("alex@outlook.example");
    expect(await usersOn("consumers")).toEqual(["alex@outlook.example"]);
    expect(await usersOn("fabrikam.example")).toEqual(["needs-admin@fabrikam.example", "admin@fabrikam.example"]);
  });

  it("sends COOP from the login page only when asked to", async () => {
    const coop = async () => (await flow.authorize(flow.authorizeQuery().query)).headers.get("cross-origin-opener-policy");
    expect(await coop()).toBeNull();
    emulator.setLoginPageCoop(true);
    expect(await coop()).toBe("same-origin");
    emulator.setLoginPageCoop(false);
  });

  it("answers prompt=none with a code for a hinted normal user, else login_required", async () => {
    expect((await redirectParams({ prompt: "none", login_hint: "adele@contoso.example" })).get("code")).toBeTruthy();
    const silentFail = await redirectParams({ prompt: "none", login_hint: "declined@contoso.example" });
    expect(silentFail.get("error")).toBe("login_required");
    expect(aadstsOf(silentFail.get("error_description"))).toBe(50058);
    expect((await redirectParams({ prompt: "none" }, "consumers")).get("error")).toBe("login_required");
  });
});

describe("login page outcomes", () => {
  it("gives a code and session_state for a normal user", async () => {
    const { params, query } = await flow.signIn("adele@contoso.example");
    expect(params.get("code")).toMatch(/^[\w.-]{80,}$/);
    expect(params.get("session_state")).toMatch(/^[0-9a-f-]{36}$/);
    expect(params.get("state")).toBe(query.get("state"));
  });

  it.each([
    ["declined@contoso.example", "access_denied", 65004, "cancel"],
    ["__cancel", "access_denied", 65004, "cancel"],
    ["needs-admin@fabrikam.example", "access_denied", 90094, null],
    ["mfa@contoso.example", "interaction_required", 50076, null],
  ])("redirects %s with %s AADSTS%i", async (username, error, code, subcode) => {
    const { params, query } = await flow.signIn(username);
    expect(params.get("error")).toBe(error);
    expect(params.get("error_subcode")).toBe(subcode);
    expect(params.get("state")).toBe(query.get("state"));
    expect(params.get("code")).toBeNull();
    const description = params.get("error_description") ?? "";
    expect(aadstsOf(description)).toBe(code);
    expect(description).toMatch(/\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  });

  it("asks for MFA on the requested resource", async () => {
    const { params } = await flow.signIn("mfa@contoso.example");
    expect(params.get("suberror")).toBe("basic_action");
    expect(params.get("error_description")).toContain("multi-factor authentication to access 'https://ads.microsoft.com'");
  });

  it("refuses a user who does not fit the tenant path", async () => {
    const { params } = await flow.signIn("alex@outlook.example", {}, "organizations");
    expect(params.get("error")).toBe("access_denied");
    expect(aadstsOf(params.get("error_description"))).toBe(50020);
  });

  it("rejects an unknown or used interaction", async () => {
    const html = await (await flow.authorize(flow.authorizeQuery().query)).text();
    expect((await flow.pick(html, "adele@contoso.example")).status).toBe(302);
    const again = await flow.pick(html, "adele@contoso.example");
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("AADSTS90015");
  });

  it("follows response_mode=fragment", async () => {
    const { query } = flow.authorizeQuery({ response_mode: "fragment", client_id: DEV_CLIENT_ID });
    const response = await flow.pick(await (await flow.authorize(query)).text(), "adele@contoso.example");
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.search).toBe("");
    expect(new URLSearchParams(location.hash.slice(1)).get("code")).toBeTruthy();
  });
});
