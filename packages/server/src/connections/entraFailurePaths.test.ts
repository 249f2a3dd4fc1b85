import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { connectAs, type Harness, resultOf, startHarness } from "../testing/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function connected(harness: Harness): Promise<string> {
  const { result } = await connectAs(harness, "adele@contoso.example");
  if (result.type !== "ads-connect:success") throw new Error(`connect failed: ${JSON.stringify(result)}`);
  return result.connection_id;
}
const logLines = (harness: Harness) =>
  harness.logs
    .flatMap((l) => l.split("\n"))
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const key = () => randomBytes(32).toString("base64");
const TENANT_PATH = "integrations_config_defaults.microsoft-ads.connection_config.tenant";
const sessionFor = (tenant: string) => ({
  end_user: { id: "end-user-1" },
  integrations_config_defaults: { "microsoft-ads": { connection_config: { tenant } } },
});

describe("Entra unreachable after a restart", () => {
  it("a read whose token is still valid is served without Microsoft", async () => {
    // Tokens live 120 s, under the 300 s margin: every read wants a refresh.
    h = await startHarness({ emulator: { accessTokenLifetimeSeconds: 120 }, env: { REFRESH_AHEAD: "off", REFRESH_MAX_TRIES: "1" } });
    const id = await connected(h);
    const before = ((await h.api("GET", `/connections/${id}`)).json as { credentials: { access_token: string } }).credentials.access_token;
    await h.emulator.close();
    await h.restart();
    const read = await h.api("GET", `/connections/${id}`);
    expect(read.status).toBe(200);
    expect((read.json as { credentials: { access_token: string } }).credentials.access_token).toBe(before);
  });

  it("a read that needs a new token answers 503 with Retry-After, and the refresh-ahead job logs each connection it could not refresh", async () => {
    h = await startHarness({
      emulator: { accessTokenLifetimeSeconds: 1 },
      env: { REFRESH_AHEAD: "off", REFRESH_MAX_TRIES: "1", TOKEN_MIN_VALIDITY_SECONDS: "0" },
    });
    const id = await connected(h);
    const stale = ((await h.api("GET", `/connections/${id}`)).json as { credentials: { access_token: string } }).credentials.access_token;
    await expect.poll(() => h!.emulator.isAccessTokenValid(stale), { timeout: 5_000, interval: 100 }).toBe(false);
    await h.emulator.close();
    await h.restart();

    const read = await h.api("GET", `/connections/${id}`);
    expect(read.status).toBe(503);
    expect(read.json).toMatchObject({ error: { code: "provider_temporarily_unavailable" } });
    expect(Number(read.headers.get("retry-after"))).toBeGreaterThan(0);

    expect(await h.server.refreshAhead.runOnce()).toBe(0);
    const skipped = logLines(h).filter((l) => l.msg === "refresh-ahead could not refresh a connection");
    expect(skipped).toEqual([expect.objectContaining({ connectionId: id, code: "provider_temporarily_unavailable" })]);
    expect(JSON.stringify(skipped)).not.toMatch(/eyJ|rt_|adele/);
  });
});

describe("a tenant Entra does not know", () => {
  it("is refused when the session is created, naming the setting", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
    const refused = await h.api("POST", "/connect/sessions", sessionFor("no-such-tenant.example"));
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: { code: "tenant_not_found", errors: [{ path: TENANT_PATH }] } });
    expect((refused.json as { error: { message: string } }).error.message).toContain(TENANT_PATH);
    expect((await h.api("POST", "/connect/sessions", sessionFor("fabrikam.example"))).status).toBe(201);
  });

  it("does not block session creation while Entra is unreachable", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
    await h.emulator.close();
    expect((await h.api("POST", "/connect/sessions", sessionFor("no-such-tenant.example"))).status).toBe(201);
    expect(logLines(h).some((l) => l.msg === "could not check the session's tenant with Microsoft Entra; the popup will report it")).toBe(true);
  });

  it("ends the popup in a result page naming the problem (AADSTS90002)", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off", MICROSOFT_TENANT: "no-such-tenant.example" } });
    const { token } = await h.createSession();
    const page = await new BrowserClient().get(h.startUrl(token));
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(resultOf(page)).toMatchObject({ type: "ads-connect:error", error: { code: "tenant_not_found", aadsts: 90002 } });
  });
});

describe("errors that used to surface as a bare 500", () => {
  it("a connection encrypted with a key no longer configured answers credentials_unreadable naming the key", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off", ENCRYPTION_KEYS: `old:${key()}` } });
    const id = await connected(h);
    await h.restart({ ENCRYPTION_KEYS: `new:${key()}` });
    const read = await h.api("GET", `/connections/${id}`);
    expect(read.status).toBe(409);
    expect(read.json).toMatchObject({ error: { code: "credentials_unreadable" } });
    expect((read.json as { error: { message: string } }).error.message).toContain('"old"');
  });

  it("a token endpoint 401 with WWW-Authenticate is the app's credentials problem", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
    const id = await connected(h);
    h.emulator.injectTokenErrors("refresh_token", [
      {
        status: 401,
        error: "invalid_client",
        aadsts: 7000215,
        description: "Invalid client secret provided.",
        wwwAuthenticate: 'Basic realm="login.microsoftonline.com"',
      },
    ]);
    const read = await h.api("GET", `/connections/${id}?force_refresh=true`);
    expect(read.status).toBe(502);
    expect(read.json).toMatchObject({ error: { code: "invalid_client_secret" } });
  });
});
