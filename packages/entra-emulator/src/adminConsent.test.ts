import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_CLIENT_ID } from "./devClient.js";
import { startEntraEmulator } from "./startEntraEmulator.js";
import { FABRIKAM_TENANT_ID } from "./tenantIds.js";
import { codeFlow, REDIRECT_URI } from "./testing/codeFlow.js";
import type { EntraEmulator } from "./types.js";

let emulator: EntraEmulator;
beforeAll(async () => {
  emulator = await startEntraEmulator();
});
afterAll(() => emulator.close());

const SCOPE = "https://ads.microsoft.com/msads.manage";
const consentPage = (tenant: string, params: Record<string, string>) =>
  fetch(`${emulator.url}/${tenant}/v2.0/adminconsent?${new URLSearchParams(params)}`, { redirect: "manual" });
const decide = async (tenant: string, page: Response, username: string) => {
  const interaction = /name="interaction" value="([^"]+)"/.exec(await page.text())![1]!;
  const response = await fetch(`${emulator.url}/${tenant}/v2.0/adminconsent`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ interaction, username }),
  });
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!);
};
const good = { client_id: DEV_CLIENT_ID, redirect_uri: REDIRECT_URI, scope: SCOPE, state: "s-1" };

describe("admin consent endpoint", () => {
  it("lists the tenant's administrators, and an approval makes its users' sign-ins work", async () => {
    const flow = codeFlow(emulator);
    expect((await flow.signIn("needs-admin@fabrikam.example")).params.get("error")).toBe("access_denied");

    const page = await consentPage("organizations", good);
    expect(page.status).toBe(200);
    const back = await decide("organizations", page, "admin@fabrikam.example");
    expect(back.origin + back.pathname).toBe(REDIRECT_URI);
    expect(Object.fromEntries(back.searchParams)).toEqual({ admin_consent: "True", tenant: FABRIKAM_TENANT_ID, scope: SCOPE, state: "s-1" });
    expect(emulator.adminConsentedTenants.has(FABRIKAM_TENANT_ID)).toBe(true);

    expect((await flow.signIn("needs-admin@fabrikam.example")).params.get("code")).toEqual(expect.any(String));
  });

  it("a cancel goes back as an error with the state", async () => {
    const back = await decide("fabrikam.example", await consentPage("fabrikam.example", good), "__cancel");
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("state")).toBe("s-1");
    expect(back.searchParams.has("admin_consent")).toBe(false);
  });

  it("shows Entra's error page, not a redirect, for an unknown app, an unregistered redirect URI, no scope, or personal accounts", async () => {
    emulator.addClient({ clientId: "strict-admin-client", clientSecret: "s", redirectUris: ["https://app.example/cb"] });
    const cases: [string, Record<string, string>, string][] = [
      ["organizations", { ...good, client_id: "12345678-0000-4000-8000-000000000000" }, "AADSTS700016"],
      ["organizations", { ...good, client_id: "strict-admin-client" }, "AADSTS50011"],
      ["organizations", { ...good, scope: "" }, "AADSTS900144"],
      ["consumers", good, "AADSTS90094"],
    ];
    for (const [tenant, params, aadsts] of cases) {
      const response = await consentPage(tenant, params);
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(await response.text()).toContain(aadsts);
    }
  });
});
