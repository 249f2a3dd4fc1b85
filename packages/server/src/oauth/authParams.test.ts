import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { countRows } from "../testing/countRows.js";
import { beginSignIn, connectAs, type Harness, startHarness } from "../testing/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const session = (defaults: Record<string, unknown>) =>
  h.api("POST", "/connect/sessions", { end_user: { id: "params-user" }, integrations_config_defaults: { "microsoft-ads": defaults } });

/** Where the start page sends the browser: Entra's authorize URL, exactly as built. */
async function authorizeUrl(defaults: Record<string, unknown>): Promise<URL> {
  const res = await session(defaults);
  expect(res.status).toBe(201);
  const page = await beginSignIn(new BrowserClient(), h.startUrl((res.json as { data: { token: string } }).data.token), { follow: false });
  expect(page.status).toBe(303);
  return new URL(page.headers.get("location")!);
}

describe("auth parameters are checked when the session is created", () => {
  it.each([
    [
      "user_scopes",
      { user_scopes: "https://ads.microsoft.com/.default https://ads.microsoft.com/msads.manage" },
      /\.default scope can't be combined with resource-specific scopes/,
    ],
    ["user_scopes", { user_scopes: "https://ads.microsoft.com/msads.manage https://graph.microsoft.com/User.Read" }, /more than one resource/],
    ["user_scopes", { user_scopes: "https://graph.microsoft.com/User.Read" }, /must include the Microsoft Advertising scope/],
    ["authorization_params.prompt", { authorization_params: { prompt: "always" } }, /must be one of login, consent, select_account, none/],
    ["authorization_params.login_hint", { authorization_params: { login_hint: "ada lovelace" } }, /sign-in name/],
    ["authorization_params.domain_hint", { authorization_params: { domain_hint: "not a domain" } }, /must be a domain/],
    ["authorization_params.response_mode", { authorization_params: { response_mode: "form_post" } }, /not supported/],
    ["authorization_params.redirect_uri", { authorization_params: { redirect_uri: "https://evil.example/cb" } }, /not supported/],
    ["connection_config.tenant", { connection_config: { tenant: "not a tenant!" } }, /must be common, organizations, consumers/],
    ["connection_config.region", { connection_config: { region: "eu" } }, /not supported/],
  ])("%s: %j is refused with a message naming it", async (param, defaults, message) => {
    const res = await session(defaults);
    expect(res.status).toBe(400);
    const error = (res.json as { error: { code: string; message: string; errors: { path: string }[] } }).error;
    expect(error.message).toContain(`integrations_config_defaults.microsoft-ads.${param}`);
    expect(error.message).toMatch(message);
    expect(error.errors[0]!.path).toBe(`integrations_config_defaults.microsoft-ads.${param}`);
  });

  /** Keys every plain object answers to: a lookup table must not take them for checks of its own. */
  it.each(["hasOwnProperty", "valueOf", "toLocaleString", "isPrototypeOf", "toString", "constructor", "propertyIsEnumerable", "__defineGetter__"])(
    "authorization_params.%s (named like an object method) is refused as unknown, and no session is stored",
    async (key) => {
      const sessions = () => countRows(h, "select count(*) as n from connect_sessions");
      const before = await sessions();
      const body = `{"end_user":{"id":"params-user"},"integrations_config_defaults":{"microsoft-ads":{"authorization_params":{${JSON.stringify(key)}:"x"}}}}`;
      const res = await h.api("POST", "/connect/sessions", body);
      expect(res.status, res.text).toBe(400);
      const error = (res.json as { error: { code: string; message: string; errors: { path: string }[] } }).error;
      expect(error.code).toBe("invalid_body");
      expect(error.message).toContain(`integrations_config_defaults.microsoft-ads.authorization_params.${key}: not supported`);
      expect(error.errors[0]!.path).toBe(`integrations_config_defaults.microsoft-ads.authorization_params.${key}`);
      expect(await sessions()).toBe(before);
    },
  );

  it.each([
    [{}, "common", "https://ads.microsoft.com/msads.manage openid profile email offline_access", {}],
    [{ user_scopes: "https://ads.microsoft.com/msads.manage" }, "common", "https://ads.microsoft.com/msads.manage openid profile email offline_access", {}],
    [{ user_scopes: "https://ads.microsoft.com/.default openid" }, "common", "https://ads.microsoft.com/.default openid profile email offline_access", {}],
    [{ connection_config: { tenant: "organizations" }, authorization_params: { prompt: "consent" } }, "organizations", null, { prompt: "consent" }],
    [
      { connection_config: { tenant: "consumers" }, authorization_params: { prompt: "login", login_hint: "alex@outlook.example" } },
      "consumers",
      null,
      { prompt: "login", login_hint: "alex@outlook.example" },
    ],
    [
      { connection_config: { tenant: "contoso.example" }, authorization_params: { prompt: "select_account", domain_hint: "contoso.example" } },
      "contoso.example",
      null,
      { prompt: "select_account", domain_hint: "contoso.example" },
    ],
    [
      { connection_config: { tenant: "11111111-2222-3333-4444-555555555555" }, authorization_params: { prompt: "none" } },
      "11111111-2222-3333-4444-555555555555",
      null,
      { prompt: "none" },
    ],
  ])("%j is accepted and reaches the authorize URL exactly", async (defaults, tenant, scope, params) => {
    const url = await authorizeUrl(defaults);
    expect(url.pathname).toBe(`/${tenant}/oauth2/v2.0/authorize`);
    expect(url.searchParams.get("scope")).toBe(scope ?? "https://ads.microsoft.com/msads.manage openid profile email offline_access");
    for (const key of ["prompt", "login_hint", "domain_hint"]) expect(url.searchParams.get(key)).toBe((params as Record<string, string>)[key] ?? null);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    for (const key of ["state", "nonce", "code_challenge"]) expect(url.searchParams.get(key)).toMatch(/^[\w-]{20,}$/);
  });

  it("the effective values are visible on the connection", async () => {
    const res = await session({ connection_config: { tenant: "organizations" }, authorization_params: { prompt: "select_account" } });
    const token = (res.json as { data: { token: string } }).data.token;
    const { result } = await connectAs(h, "adele@contoso.example", { token });
    if (result.type !== "ads-connect:success") throw new Error("connect failed");
    const connection = (await h.api("GET", `/connections/${result.connection_id}`)).json as { connection_config: unknown };
    expect(connection.connection_config).toEqual({
      tenant: "organizations",
      scope: "https://ads.microsoft.com/msads.manage openid profile email offline_access",
      authorization_params: { prompt: "select_account" },
    });
  });
});
