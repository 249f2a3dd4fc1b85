import { AADSTS_CATALOGUE, SessionStatusResponseSchema, UNKNOWN_AADSTS } from "@ads-connect/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";
import { UNVERIFIED_SETUP_ERROR } from "./translateEntraError.js";

/**
 * How Entra raises each catalogued error while connecting: as an error redirect from the authorize
 * endpoint (with its OAuth error), or as a JSON error from the token endpoint (with its HTTP status).
 */
const RAISED: Record<number, { authorize: string } | { token: string; status: number }> = {
  65004: { authorize: "access_denied" },
  65001: { authorize: "consent_required" },
  90094: { authorize: "access_denied" },
  90095: { authorize: "access_denied" },
  50076: { authorize: "interaction_required" },
  50079: { authorize: "interaction_required" },
  53003: { authorize: "access_denied" },
  530032: { authorize: "access_denied" },
  50058: { authorize: "login_required" },
  50020: { authorize: "access_denied" },
  70011: { authorize: "invalid_scope" },
  28000: { authorize: "invalid_scope" },
  700022: { authorize: "invalid_scope" },
  50011: { authorize: "invalid_request" },
  70004: { authorize: "invalid_request" },
  50194: { authorize: "invalid_request" },
  700016: { authorize: "unauthorized_client" },
  90002: { authorize: "invalid_request" },
  28002: { token: "invalid_scope", status: 400 },
  28003: { token: "invalid_scope", status: 400 },
  500112: { token: "invalid_request", status: 400 },
  7000215: { token: "invalid_client", status: 401 },
  7000222: { token: "invalid_client", status: 401 },
  70002: { token: "invalid_client", status: 401 },
  70008: { token: "invalid_grant", status: 400 },
  700082: { token: "invalid_grant", status: 400 },
  50173: { token: "invalid_grant", status: 400 },
  70000: { token: "invalid_grant", status: 400 },
  54005: { token: "invalid_grant", status: 400 },
  501481: { token: "invalid_grant", status: 400 },
  50196: { token: "temporarily_unavailable", status: 429 },
  90033: { token: "temporarily_unavailable", status: 503 },
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
});
afterAll(() => h.close());

async function sessionStatus(token: string) {
  const res = await httpRequest(`${h.server.url}/connect/session/status`, { headers: { authorization: `Bearer ${token}` } });
  return SessionStatusResponseSchema.parse(JSON.parse(res.text)).data;
}

describe("the AADSTS catalogue, raised by the emulator the way Entra raises each error", () => {
  it("covers every catalogued number", () => {
    expect(Object.keys(RAISED).sort()).toEqual(Object.keys(AADSTS_CATALOGUE).sort());
  });

  it.each(Object.entries(AADSTS_CATALOGUE).map(([n, entry]) => [Number(n), entry] as const))("AADSTS%i → %o", async (aadsts, entry) => {
    const raised = RAISED[aadsts]!;
    const description = `Emulated Entra error ${aadsts}.`;
    if ("authorize" in raised) h.emulator.injectAuthorizeError({ error: raised.authorize, aadsts, description });
    else h.emulator.injectTokenErrors("authorization_code", [{ status: raised.status, error: raised.token, aadsts, description }]);

    const { token, result } = await connectAs(h, "adele@contoso.example");
    // An error redirect passes through the browser, where anyone can write one: one that would blame
    // the app's setup is shown generically (only the token endpoint reports configuration problems).
    const shown = "authorize" in raised && entry.actor === "product_team" ? UNVERIFIED_SETUP_ERROR : entry;
    const expected = {
      code: shown.code,
      actor: shown.actor,
      message: shown.message,
      aadsts,
      // Admin consent comes with a link for the user's administrator (see admin/adminConsent.test.ts).
      ...(entry.code === "admin_consent_required" ? { admin_consent_url: expect.stringContaining(`${h.server.url}/oauth/admin-consent?request=`) } : {}),
    };
    // What the popup posts to the widget, which shows `message`…
    expect(result).toEqual({ type: "ads-connect:error", error: expected });
    // …and what the widget's polling and the product read from the API.
    const status = await sessionStatus(token);
    expect(status.status).toBe("error");
    expect(status.result).toEqual({ type: "ads-connect:error", error: expected });
  });

  it("an AADSTS number it does not know falls back to a generic error that keeps the number", async () => {
    h.emulator.injectTokenErrors("authorization_code", [{ status: 400, error: "invalid_request", aadsts: 9999999, description: "Something new." }]);
    const { result } = await connectAs(h, "adele@contoso.example");
    expect(result).toEqual({ type: "ads-connect:error", error: { ...UNKNOWN_AADSTS, aadsts: 9999999 } });
    h.emulator.injectAuthorizeError({ error: "invalid_request", aadsts: 9999998, description: "Something new." });
    const redirected = await connectAs(h, "adele@contoso.example");
    expect(redirected.result).toEqual({ type: "ads-connect:error", error: { ...UNVERIFIED_SETUP_ERROR, aadsts: 9999998 } });
    const logged = h.logs.join("\n");
    expect(logged).toContain("9999998");
  });
});
