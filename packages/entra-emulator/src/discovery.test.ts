import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEntraEmulator } from "./startEntraEmulator.js";
import { CONSUMERS_TENANT_ID, CONTOSO_TENANT_ID, FABRIKAM_TENANT_ID } from "./tenantIds.js";
import { aadstsOf } from "./testing/codeFlow.js";
import type { EntraEmulator } from "./types.js";

let emulator: EntraEmulator;
beforeAll(async () => {
  emulator = await startEntraEmulator();
});
afterAll(() => emulator.close());

const discover = async (tenant: string) => {
  const response = await fetch(`${emulator.url}/${tenant}/v2.0/.well-known/openid-configuration`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("discovery", () => {
  it.each([
    ["common", "https://login.microsoftonline.com/{tenantid}/v2.0"],
    ["organizations", "https://login.microsoftonline.com/{tenantid}/v2.0"],
    ["consumers", `https://login.microsoftonline.com/${CONSUMERS_TENANT_ID}/v2.0`],
    [CONTOSO_TENANT_ID, `https://login.microsoftonline.com/${CONTOSO_TENANT_ID}/v2.0`],
    ["fabrikam.example", `https://login.microsoftonline.com/${FABRIKAM_TENANT_ID}/v2.0`],
    ["11111111-2222-4333-8444-555555555555", "https://login.microsoftonline.com/11111111-2222-4333-8444-555555555555/v2.0"],
  ])("issuer for %s", async (tenant, issuer) => {
    const { status, body } = await discover(tenant);
    expect(status).toBe(200);
    expect(body.issuer).toBe(issuer);
    expect(body.authorization_endpoint).toBe(`${emulator.url}/${tenant}/oauth2/v2.0/authorize`);
    expect(body.token_endpoint).toBe(`${emulator.url}/${tenant}/oauth2/v2.0/token`);
    expect(body.jwks_uri).toBe(`${emulator.url}/${tenant}/discovery/v2.0/keys`);
    expect(body.code_challenge_methods_supported).toEqual(["plain", "S256"]);
    expect(body.cloud_instance_name).toBe("microsoftonline.com");
  });

  it("answers an unknown tenant with AADSTS90002", async () => {
    const { status, body } = await discover("no-such-tenant");
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: "invalid_tenant", error_codes: [90002], error_uri: "https://login.microsoftonline.com/error?code=90002" });
    expect(body.error_description).toMatch(
      /^AADSTS90002: Tenant 'no-such-tenant' not found\..*\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/s,
    );
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(aadstsOf(body.error_description)).toBe(90002);
  });

  it("holdDiscovery keeps every metadata request waiting until released, then answers it", async () => {
    const hold = emulator.holdDiscovery();
    const first = discover("common");
    const second = discover("fabrikam.example");
    await hold.held;
    // Nothing is answered while held; a client with a short timeout gives up.
    const gaveUp = await fetch(`${emulator.url}/common/v2.0/.well-known/openid-configuration`, { signal: AbortSignal.timeout(100) }).catch(
      (err: Error) => err.name,
    );
    expect(gaveUp).toBe("TimeoutError");
    hold.release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    // Released for good: the next request is answered at once.
    expect((await discover("common")).status).toBe(200);
  });

  it("publishes one RS256 signing key", async () => {
    const response = await fetch(`${emulator.url}/common/discovery/v2.0/keys`);
    const { keys } = (await response.json()) as { keys: Array<Record<string, unknown>> };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "RSA", use: "sig", alg: "RS256", kid: expect.any(String), e: "AQAB" });
    expect(keys[0]).not.toHaveProperty("d");
  });

  it("answers unknown paths and undecodable tenants with JSON, never a stack trace", async () => {
    for (const path of ["/nope", "/%E0%A4%A/v2.0/.well-known/openid-configuration"]) {
      const response = await fetch(emulator.url + path);
      const text = await response.text();
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(JSON.parse(text)).toHaveProperty("error");
      expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
    }
  });
});
