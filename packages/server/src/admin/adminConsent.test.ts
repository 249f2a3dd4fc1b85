import { FABRIKAM_TENANT_ID } from "@ads-connect/entra-emulator";
import type { IntegrationStatusResponse } from "@ads-connect/shared";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BrowserClient, type Page } from "../testing/browserClient.js";
import { connectAs, type Harness, signInAs, startHarness } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await h.close();
});

/** A blocked sign-in, and the link it hands the user for their administrator. */
async function blockedLink(): Promise<string> {
  const { result } = await connectAs(h, "needs-admin@fabrikam.example");
  if (result.type !== "ads-connect:error") throw new Error("expected an error");
  expect(result.error).toMatchObject({ code: "admin_consent_required", actor: "end_user_admin" });
  expect(result.error.admin_consent_url).toMatch(new RegExp(`^${h.server.url}/oauth/admin-consent\\?request=adsc_ac_`));
  return result.error.admin_consent_url!;
}

/** The administrator's side of the emulator's admin-consent page: accept as an admin, or cancel. */
async function decide(admin: BrowserClient, consentPage: Page, username: string): Promise<Page> {
  expect(consentPage.url).toContain(`${h.emulator.url}/organizations/v2.0/adminconsent?`);
  return signInAs(admin, consentPage, username);
}

const mainData = (page: Page) => /<main data-admin-consent="([a-z]+)"/.exec(page.body)?.[1];

describe("admin consent", () => {
  it("blocked user → link → administrator approves → the user connects; the status API lists the approval", async () => {
    const link = await blockedLink();
    const admin = new BrowserClient();
    const consentPage = await admin.get(link);
    expect(consentPage.status).toBe(200);
    const query = new URL(consentPage.url).searchParams;
    expect(query.get("redirect_uri")).toBe(`${h.server.url}/oauth/admin-consent/callback`);
    expect(query.get("scope")).toBe("https://ads.microsoft.com/msads.manage");
    expect(query.get("state")).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    const done = await decide(admin, consentPage, "admin@fabrikam.example");
    expect(done.url).toMatch(/\/oauth\/admin-consent\/callback\?admin_consent=True&tenant=/);
    expect(done.status).toBe(200);
    expect(mainData(done)).toBe("approved");
    expect(done.body).toContain("People in your organization can now connect Microsoft Advertising");
    // Reported by the administrator's browser: unverified until a sign-in from the tenant works.
    const reported = (await h.api("GET", "/integrations/microsoft-ads/status")).json as IntegrationStatusResponse;
    expect(reported.data.admin_consents).toEqual([
      { tenant_id: FABRIKAM_TENANT_ID, granted_at: expect.any(String), status: "pending_verification", verified_at: null },
    ]);

    const { result } = await connectAs(h, "needs-admin@fabrikam.example");
    expect(result).toMatchObject({ type: "ads-connect:success", account: { username: "needs-admin@fabrikam.example", tenant_id: FABRIKAM_TENANT_ID } });

    const status = (await h.api("GET", "/integrations/microsoft-ads/status")).json as IntegrationStatusResponse;
    expect(status.data.admin_consents).toEqual([
      { tenant_id: FABRIKAM_TENANT_ID, granted_at: expect.any(String), status: "verified", verified_at: expect.any(String) },
    ]);
    // Opening the link again says so instead of asking Microsoft again.
    const again = await new BrowserClient().get(link);
    expect(mainData(again)).toBe("approved");
    expect(again.body).toContain("Already approved");
    // The link's token never reaches the logs.
    expect(h.logs.join("\n")).not.toContain(new URL(link).searchParams.get("request")!);
  });

  it("the administrator cancels: nothing recorded, the user is still blocked, and the link can be tried again", async () => {
    const link = await blockedLink();
    const admin = new BrowserClient();
    const declined = await signInAs(admin, await admin.get(link), "__cancel");
    expect(declined.status).toBe(200);
    expect(mainData(declined)).toBe("declined");
    expect(declined.body).toContain("The admin canceled the request");
    expect((await connectAs(h, "needs-admin@fabrikam.example")).result).toMatchObject({ error: { code: "admin_consent_required" } });

    const retried = await decide(admin, await admin.get(link), "admin@fabrikam.example");
    expect(mainData(retried)).toBe("approved");
    const status = (await h.api("GET", "/integrations/microsoft-ads/status")).json as IntegrationStatusResponse;
    expect(status.data.errors_last_24h).toContainEqual(expect.objectContaining({ code: "admin_consent_declined", actor: "end_user_admin", count: 1 }));
  });

  it("the callback is single-use and bound to the administrator's browser", async () => {
    const link = await blockedLink();
    const admin = new BrowserClient();
    const consentPage = await admin.get(link);
    // The administrator accepts; Microsoft's redirect back, taken without following it.
    const decision = await httpRequest(new URL("/organizations/v2.0/adminconsent", h.emulator.url).href, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        interaction: /name="interaction" value="([^"]+)"/.exec(consentPage.body)![1]!,
        username: "admin@fabrikam.example",
      }).toString(),
    });
    const callbackUrl = decision.headers.get("location")!;
    expect(callbackUrl).toContain("/oauth/admin-consent/callback?admin_consent=True");
    // Replayed in another browser (a leaked URL): refused, nothing recorded.
    const elsewhere = await new BrowserClient().get(callbackUrl);
    expect(elsewhere.status).toBe(403);
    expect(mainData(elsewhere)).toBe("invalid");
    expect(((await h.api("GET", "/integrations/microsoft-ads/status")).json as IntegrationStatusResponse).data.admin_consents).toEqual([]);
    // In the administrator's own browser it works once…
    expect(mainData(await admin.get(callbackUrl))).toBe("approved");
    // …and only once.
    const replay = await admin.get(callbackUrl);
    expect(replay.status).toBe(400);
    expect(mainData(replay)).toBe("invalid");
  });

  it("a link that does not exist, or has expired, says what to do", async () => {
    const unknown = await new BrowserClient().get(`${h.server.url}/oauth/admin-consent?request=adsc_ac_nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain("This approval link is not valid");
    const missing = await new BrowserClient().get(`${h.server.url}/oauth/admin-consent`);
    expect(missing.status).toBe(404);

    const link = await blockedLink();
    const later = Date.now() + 8 * 86_400_000;
    vi.spyOn(Date, "now").mockReturnValue(later);
    const expired = await new BrowserClient().get(link, { follow: false });
    expect(expired.status).toBe(410);
    expect(expired.body).toContain("This approval link has expired");
  });

  it("a forged callback without a known state changes nothing", async () => {
    const forged = await new BrowserClient().get(`${h.server.url}/oauth/admin-consent/callback?admin_consent=True&tenant=${FABRIKAM_TENANT_ID}&state=made-up`);
    expect(forged.status).toBe(400);
    expect(mainData(forged)).toBe("invalid");
    const status = (await h.api("GET", "/integrations/microsoft-ads/status")).json as IntegrationStatusResponse;
    expect(status.data.admin_consents).toEqual([]);
    expect((await connectAs(h, "needs-admin@fabrikam.example")).result).toMatchObject({ error: { code: "admin_consent_required" } });
  });

  it("an approval forged by whoever holds the link stays unverified, and the link still asks Microsoft", async () => {
    const link = await blockedLink();
    const holder = new BrowserClient();
    // The link's holder starts the approval and, instead of Microsoft, answers it themselves.
    const toMicrosoft = await holder.get(link, { follow: false });
    const state = new URL(toMicrosoft.headers.get("location")!).searchParams.get("state")!;
    const madeUp = "0badc0de-0000-4000-8000-000000000bad";
    const forged = await holder.get(`${h.server.url}/oauth/admin-consent/callback?admin_consent=True&tenant=${madeUp}&state=${state}`);
    expect(forged.status).toBe(200);
    const status = (await h.api("GET", "/integrations/microsoft-ads/status")).json as IntegrationStatusResponse;
    expect(status.data.admin_consents).toEqual([{ tenant_id: madeUp, granted_at: expect.any(String), status: "pending_verification", verified_at: null }]);
    // The real administrator is not told "Already approved": the link goes on to Microsoft.
    const real = await new BrowserClient().get(link, { follow: false });
    expect(real.status).toBe(302);
    expect(real.headers.get("location")).toContain(`${h.emulator.url}/organizations/v2.0/adminconsent?`);
    expect(real.body).not.toContain("Already approved");
  });

  it("an approval for another tenant than the one the link names is refused and not recorded", async () => {
    const session = await h.createSession({
      end_user: { id: "fab-user" },
      integrations_config_defaults: { "microsoft-ads": { connection_config: { tenant: FABRIKAM_TENANT_ID } } },
    });
    const { result } = await connectAs(h, "needs-admin@fabrikam.example", { token: session.token });
    if (result.type !== "ads-connect:error") throw new Error("expected an error");
    const link = result.error.admin_consent_url!;
    const admin = new BrowserClient();
    const toMicrosoft = await admin.get(link, { follow: false });
    const location = new URL(toMicrosoft.headers.get("location")!);
    expect(location.pathname).toBe(`/${FABRIKAM_TENANT_ID}/v2.0/adminconsent`);
    const other = "0badc0de-0000-4000-8000-000000000bad";
    const page = await admin.get(`${h.server.url}/oauth/admin-consent/callback?admin_consent=True&tenant=${other}&state=${location.searchParams.get("state")}`);
    expect(page.status).toBe(400);
    expect(mainData(page)).toBe("invalid");
    expect(page.body).toContain("admin_consent_tenant_mismatch");
    const status = (await h.api("GET", "/integrations/microsoft-ads/status")).json as IntegrationStatusResponse;
    expect(status.data.admin_consents).toEqual([]);
  });
});
