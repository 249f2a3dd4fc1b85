import { AdsConnectApiError, AdsConnectClient } from "@ads-connect/node";
import type { IntegrationStatus } from "@ads-connect/shared";
import { afterEach, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { beginSignIn, connectAs, type Harness, startHarness } from "../testing/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const clientOf = (harness: Harness) => new AdsConnectClient({ host: harness.server.url, secretKey: harness.secretKey });
const status = async (harness: Harness): Promise<IntegrationStatus> => (await clientOf(harness).getIntegrationStatus()).data;

describe("GET /integrations/microsoft-ads/status", () => {
  it("a fresh server: configured against the emulator, nothing happened yet, both redirect URIs to register", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
    const s = await status(h);
    expect(s).toMatchObject({
      integration_id: "microsoft-ads",
      configured: true,
      identity_provider: { kind: "emulator", authority: `${h.emulator.url}/common/v2.0`, tenant: "common" },
      ads_environment: "production",
      redirect_uris: { sign_in: `${h.server.url}/oauth/callback`, admin_consent: `${h.server.url}/oauth/admin-consent/callback` },
      last_successful_connect_at: null,
      last_successful_refresh_at: null,
      connections: { total: 0, by_status: { connected: 0, refreshing: 0, expired: 0, error: 0 } },
      errors_last_24h: [],
      client_secret: { expires_at: null, days_left: null, state: "unknown" },
      admin_consents: [],
      problems: [],
      holds: [],
    });
  });

  it("counts connects, refreshes, connections by status and errors by code over the last 24 hours", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
    const before = Date.now();
    const ok = await connectAs(h, "adele@contoso.example");
    const revoked = await connectAs(h, "revoked@contoso.example");
    await connectAs(h, "declined@contoso.example");
    await connectAs(h, "declined@contoso.example");
    await connectAs(h, "mfa@contoso.example");
    const client = clientOf(h);
    await client.getConnection((ok.result as { connection_id: string }).connection_id, { forceRefresh: true });
    // The revoked grant turns its connection expired.
    await expect(client.getConnection((revoked.result as { connection_id: string }).connection_id, { forceRefresh: true })).rejects.toBeInstanceOf(
      AdsConnectApiError,
    );

    const s = await status(h);
    expect(Date.parse(s.last_successful_connect_at!)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(s.last_successful_refresh_at!)).toBeGreaterThanOrEqual(Date.parse(s.last_successful_connect_at!) - 1);
    expect(s.connections).toEqual({ total: 2, by_status: { connected: 1, refreshing: 0, expired: 1, error: 0 } });
    expect(s.errors_last_24h.map(({ code, actor, count, aadsts }) => ({ code, actor, count, aadsts }))).toEqual([
      { code: "consent_declined", actor: "end_user", count: 2, aadsts: [65004] },
      { code: "grant_expired", actor: "end_user", count: 1, aadsts: [50173] },
      { code: "mfa_required", actor: "end_user", count: 1, aadsts: [50076] },
    ]);
    // End users' own failures are not the integration's problems.
    expect(s.configured).toBe(true);
    expect(s.problems).toEqual([]);
  });

  it("a bad client secret makes the integration not configured until a token request works again", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
    const ok = await connectAs(h, "adele@contoso.example");
    const id = (ok.result as { connection_id: string }).connection_id;
    h.emulator.injectTokenErrors("refresh_token", [
      { status: 401, error: "invalid_client", aadsts: 7000222, description: "The provided client secret keys are expired." },
    ]);
    await expect(clientOf(h).getConnection(id, { forceRefresh: true })).rejects.toMatchObject({ code: "client_secret_expired" });

    const broken = await status(h);
    expect(broken.configured).toBe(false);
    expect(broken.problems).toEqual([
      { code: "client_secret_expired", aadsts: 7000222, since: expect.any(String), message: expect.stringContaining("create a new secret in Microsoft Entra") },
    ]);
    expect(broken.errors_last_24h).toEqual([
      { code: "client_secret_expired", actor: "product_team", count: 1, aadsts: [7000222], last_at: broken.problems[0]!.since },
    ]);

    await clientOf(h).getConnection(id, { forceRefresh: true });
    const fixed = await status(h);
    expect(fixed.configured).toBe(true);
    expect(fixed.problems).toEqual([]);
  });

  it("the client secret's expiry: ok, expiring within 30 days, expired", async () => {
    const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
    h = await startHarness({ env: { REFRESH_AHEAD: "off", MICROSOFT_CLIENT_SECRET_EXPIRES_AT: inDays(200) } });
    expect((await status(h)).client_secret).toMatchObject({ state: "ok", days_left: 199 });
    await h.close();

    h = await startHarness({ env: { REFRESH_AHEAD: "off", MICROSOFT_CLIENT_SECRET_EXPIRES_AT: inDays(10.5) } });
    const soon = await status(h);
    expect(soon.client_secret).toMatchObject({ state: "expiring_soon", days_left: 10 });
    expect(soon.configured).toBe(true);
    expect(soon.problems).toEqual([
      { code: "client_secret_expiring", aadsts: null, since: null, message: expect.stringMatching(/expires on \d{4}-\d{2}-\d{2} \(in 10 days\)/) },
    ]);
    await h.close();

    h = await startHarness({ env: { REFRESH_AHEAD: "off", MICROSOFT_CLIENT_SECRET_EXPIRES_AT: "2020-01-31" } });
    const expired = await status(h);
    expect(expired.client_secret).toEqual({ expires_at: "2020-01-31T00:00:00.000Z", days_left: expect.any(Number), state: "expired" });
    expect(expired.configured).toBe(false);
    expect(expired.problems[0]).toMatchObject({ code: "client_secret_expired", message: expect.stringContaining("expired on 2020-01-31") });
  });

  it("needs the secret key, and knows only microsoft-ads", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
    expect((await h.api("GET", "/integrations/microsoft-ads/status", undefined, { authorization: "Bearer wrong" })).status).toBe(401);
    const unknown = await h.api("GET", "/integrations/google-ads/status");
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: { code: "unknown_provider_config" } });
  });
});

describe("configuration problems come only from Microsoft's token endpoint", () => {
  it("an error in the browser's redirect (forgeable by the end user) does not mark the integration misconfigured", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
    const { token } = await h.createSession({ end_user: { id: "forger" } });
    const browser = new BrowserClient();
    const authorize = new URL((await beginSignIn(browser, h.startUrl(token), { follow: false })).headers.get("location")!);
    // The end user loads the callback themselves, with the error a wrong client secret would give.
    const forged = new URL(`${h.server.url}/oauth/callback`);
    forged.search = new URLSearchParams({
      state: authorize.searchParams.get("state")!,
      error: "invalid_client",
      error_description: "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.",
    }).toString();
    const page = await browser.get(forged.href);
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-result="error"');
    expect(page.body).not.toContain("invalid_client_secret");
    expect(page.body).not.toContain("MICROSOFT_CLIENT_SECRET");

    const s = await status(h);
    expect(s.configured).toBe(true);
    expect(s.problems).toEqual([]);
    expect(s.errors_last_24h.map((e) => e.code)).not.toContain("invalid_client_secret");
    expect(s.errors_last_24h.every((e) => e.actor !== "product_team")).toBe(true);
  });

  it("the same error from the token endpoint does", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
    h.emulator.injectTokenErrors("authorization_code", [
      { status: 401, error: "invalid_client", aadsts: 7000215, description: "Invalid client secret provided." },
    ]);
    const { result } = await connectAs(h, "adele@contoso.example");
    expect(result).toMatchObject({ type: "ads-connect:error", error: { code: "invalid_client_secret", actor: "product_team", aadsts: 7000215 } });
    const s = await status(h);
    expect(s.configured).toBe(false);
    expect(s.problems).toContainEqual(expect.objectContaining({ code: "invalid_client_secret", aadsts: 7000215 }));
  });
});
