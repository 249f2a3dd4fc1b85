import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_CLIENT_ID } from "./devClient.js";
import { startEntraEmulator } from "./startEntraEmulator.js";
import { CONTOSO_TENANT_ID } from "./tenantIds.js";
import { ADS_SCOPE, aadstsOf, codeFlow, type JsonResponse } from "./testing/codeFlow.js";
import type { EntraEmulator } from "./types.js";

let emulator: EntraEmulator;
let shortLived: EntraEmulator;
let flow: ReturnType<typeof codeFlow>;
beforeAll(async () => {
  // Started together: key generation is the slow part.
  [emulator, shortLived] = await Promise.all([
    startEntraEmulator(),
    startEntraEmulator({ accessTokenLifetimeSeconds: 1, refreshTokenLifetimeSeconds: 1, codeLifetimeSeconds: 1 }),
  ]);
  flow = codeFlow(emulator);
});
afterAll(() => Promise.all([emulator.close(), shortLived.close()]));

const expectError = (response: JsonResponse, status: number, error: string, code: number) => {
  expect({ status: response.status, error: response.body.error, code: aadstsOf(response.body.error_description) }).toEqual({ status, error, code });
  expect(response.body.error_codes).toEqual([code]);
};

describe("authorization_code", () => {
  it("issues tokens whose ID token verifies against the published keys", async () => {
    const { response, query } = await flow.tokensFor("adele@contoso.example");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("pragma")).toBe("no-cache");
    expect(response.body).toMatchObject({
      token_type: "Bearer",
      expires_in: 3600,
      ext_expires_in: 3600,
      scope: `${ADS_SCOPE} openid profile email offline_access`,
    });
    expect(emulator.isAccessTokenValid(response.body.access_token as string)).toBe(true);
    expect(response.body.refresh_token).toEqual(expect.any(String));

    const discovery = (await (await fetch(`${emulator.url}/common/v2.0/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
    const { payload, protectedHeader } = await jwtVerify(response.body.id_token as string, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
      issuer: `https://login.microsoftonline.com/${CONTOSO_TENANT_ID}/v2.0`,
      audience: DEV_CLIENT_ID,
    });
    expect(protectedHeader).toMatchObject({ alg: "RS256", kid: expect.any(String) });
    expect(payload).toMatchObject({
      tid: CONTOSO_TENANT_ID,
      oid: emulator.users[0]?.objectId,
      nonce: query.get("nonce"),
      ver: "2.0",
      preferred_username: "adele@contoso.example",
      email: "adele@contoso.example",
    });
    expect(payload.sub).toMatch(/^[\w-]{43}$/);
    expect(emulator.stats.tokenRequests.authorization_code).toBeGreaterThan(0);
  });

  it("gives no refresh token without offline_access and no ID token without openid", async () => {
    const { response } = await flow.tokensFor("megan@contoso.example", { scope: ADS_SCOPE });
    expect(response.status).toBe(200);
    expect(response.body).not.toHaveProperty("refresh_token");
    expect(response.body).not.toHaveProperty("id_token");
  });

  it("refuses a code redeemed twice, a wrong verifier and another redirect URI", async () => {
    const { code, verifier } = await flow.tokensFor("adele@contoso.example");
    expectError(await flow.redeem(code, verifier), 400, "invalid_grant", 54005);
    const other = await flow.signIn("adele@contoso.example");
    const otherCode = other.params.get("code") ?? "";
    expectError(await flow.redeem(otherCode, "x".repeat(43)), 400, "invalid_grant", 501481);
    expectError(await flow.token({ grant_type: "authorization_code", code: otherCode, redirect_uri: "http://localhost/else" }), 400, "invalid_grant", 500112);
    expectError(await flow.redeem("1.Anot-a-code-we-issued-at-all", verifier), 400, "invalid_grant", 70000);
    expectError(await flow.redeem("<garbage>", verifier), 400, "invalid_grant", 9002313);
  });

  it("keeps a throttled or failing user's code retryable", async () => {
    const throttled = await flow.signIn("throttled@contoso.example");
    for (let i = 0; i < 2; i++) {
      const response = await flow.redeem(throttled.params.get("code") ?? "", throttled.verifier);
      expectError(response, 429, "temporarily_unavailable", 50196);
      expect(response.headers.get("retry-after")).toBe("1");
    }
    const flaky = await flow.signIn("flaky@contoso.example");
    for (let i = 0; i < 2; i++) expectError(await flow.redeem(flaky.params.get("code") ?? "", flaky.verifier), 503, "temporarily_unavailable", 90033);
  });
});

describe("client authentication", () => {
  const cc = { grant_type: "client_credentials", scope: "https://ads.microsoft.com/.default" };
  // App-only tokens need a directory: /organizations or a tenant, never /common.
  const org = { tenant: "organizations" };

  it("accepts client_secret_post and client_secret_basic with form-encoded credentials", async () => {
    expect((await flow.token(cc, org)).body).toMatchObject({ token_type: "Bearer", access_token: expect.any(String) });
    emulator.addClient({ clientId: "basic client", clientSecret: "s3cr:t+/%~ é" });
    const basic = await flow.token(cc, { ...org, basic: ["basic client", "s3cr:t+/%~ é"] });
    expect(basic.status).toBe(200);
    expect(basic.body).not.toHaveProperty("refresh_token");
  });

  it("names the problem the way Entra does", async () => {
    expectError(await flow.token({ ...cc, client_secret: "wrong" }, org), 401, "invalid_client", 7000215);
    expectError(await flow.token(cc, { ...org, basic: [DEV_CLIENT_ID, ""] }), 401, "invalid_client", 7000218);
    expectError(await flow.token({ ...cc, client_id: "unknown-app" }, org), 400, "unauthorized_client", 700016);
    emulator.addClient({ clientId: "expired-app", clientSecret: "old", secretExpired: true });
    expectError(await flow.token({ ...cc, client_id: "expired-app", client_secret: "old" }, org), 401, "invalid_client", 7000222);
    expectError(await flow.token({ grant_type: "client_credentials", scope: ADS_SCOPE }, org), 400, "invalid_scope", 1002012);
    expectError(await flow.token({ grant_type: "password" }), 400, "unsupported_grant_type", 70003);
    expectError(await flow.token(cc), 400, "invalid_request", 9001023);
    expectError(await flow.token(cc, { tenant: "consumers" }), 400, "invalid_request", 9001023);
  });

  it("answers malformed bodies with Entra-shaped 400s and no stack trace", async () => {
    const requests: Array<{ headers: Record<string, string>; body: string }> = [
      { headers: { "content-type": "application/json" }, body: '{"grant_type":' },
      { headers: { "content-type": "application/x-www-form-urlencoded" }, body: "%%%&&&==" },
      { headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic %%%" }, body: "grant_type=client_credentials" },
    ];
    for (const init of requests) {
      const response = await fetch(`${emulator.url}/common/oauth2/v2.0/token`, { method: "POST", ...init });
      const text = await response.text();
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(JSON.parse(text)).toMatchObject({ error: expect.any(String), error_codes: [expect.any(Number)] });
      expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
    }
  });

  it("fails the next requests with injected errors, then works again", async () => {
    const before = emulator.stats.tokenRequests.client_credentials;
    emulator.injectTokenErrors("client_credentials", [
      { status: 429, error: "temporarily_unavailable", aadsts: 50196, description: "Slow down.", retryAfterSeconds: 7 },
    ]);
    const throttled = await flow.token(cc, { tenant: "organizations" });
    expectError(throttled, 429, "temporarily_unavailable", 50196);
    expect(throttled.headers.get("retry-after")).toBe("7");
    expect((await flow.token(cc, { tenant: "organizations" })).status).toBe(200);
    expect(emulator.stats.tokenRequests.client_credentials).toBe(before + 2);
  });

  it("an injected 401 can challenge the client with WWW-Authenticate, and a held request keeps its error until released", async () => {
    emulator.injectTokenErrors("client_credentials", [
      { status: 401, error: "invalid_client", aadsts: 7000215, description: "Invalid client secret provided.", wwwAuthenticate: 'Basic realm="emulator"' },
    ]);
    const hold = emulator.holdNextTokenResponse("client_credentials");
    let answered = false;
    const pending = flow.token(cc, { tenant: "organizations" }).finally(() => (answered = true));
    await hold.held;
    expect(answered).toBe(false);
    hold.release();
    const challenged = await pending;
    expectError(challenged, 401, "invalid_client", 7000215);
    expect(challenged.headers.get("www-authenticate")).toBe('Basic realm="emulator"');
  });
});

describe("refresh_token", () => {
  it("rotates the refresh token and keeps the old one valid", async () => {
    const first = (await flow.tokensFor("adele@contoso.example")).response.body;
    const second = await flow.refresh(first.refresh_token as string);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.access_token).not.toBe(first.access_token);
    expect(second.body.id_token).toEqual(expect.any(String));
    expect((await flow.refresh(first.refresh_token as string)).status).toBe(200);
    expect((await flow.refresh(second.body.refresh_token as string)).status).toBe(200);
    expectError(await flow.refresh(first.refresh_token as string, { scope: "https://graph.microsoft.com/Mail.Read" }), 400, "invalid_grant", 65001);
    expectError(await flow.refresh("unknown"), 400, "invalid_grant", 9002313);
  });

  it("revokes a user's refresh tokens, and a new sign-in works again", async () => {
    const old = (await flow.tokensFor("megan@contoso.example")).response.body.refresh_token as string;
    emulator.revokeRefreshTokens("megan@contoso.example");
    expectError(await flow.refresh(old), 400, "invalid_grant", 50173);
    const fresh = (await flow.tokensFor("megan@contoso.example")).response.body.refresh_token as string;
    expect((await flow.refresh(fresh)).status).toBe(200);
  });

  it("always refuses refreshes for the refresh_revoked user", async () => {
    const { response } = await flow.tokensFor("revoked@contoso.example");
    expect(response.status).toBe(200);
    expectError(await flow.refresh(response.body.refresh_token as string), 400, "invalid_grant", 50173);
  });
});

describe("expiry", () => {
  it("expires access tokens, refresh tokens and codes after their lifetimes", async () => {
    const short = codeFlow(shortLived);
    // The unused code is issued first, so once the access token has expired, so has the code.
    const unused = await short.signIn("adele@contoso.example");
    const { response } = await short.tokensFor("adele@contoso.example");
    const accessToken = response.body.access_token as string;
    expect(response.body.expires_in).toBe(1);
    expect(shortLived.isAccessTokenValid(accessToken)).toBe(true);
    const deadline = Date.now() + 3000;
    while (shortLived.isAccessTokenValid(accessToken) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(shortLived.isAccessTokenValid(accessToken)).toBe(false);
    const expired = await short.refresh(response.body.refresh_token as string);
    expectError(expired, 400, "invalid_grant", 700082);
    expect(expired.body.error_description).toContain("was inactive for 00:00:01.");
    expectError(await short.redeem(unused.params.get("code") ?? "", unused.verifier), 400, "invalid_grant", 70008);
  });
});
