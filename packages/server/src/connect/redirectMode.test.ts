import { ConnectResultSchema } from "@ads-connect/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { type Harness, signInAs, startHarness, WIDGET_ORIGIN } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";

// Redirect mode over real HTTP: the product page posts to the server, the browser goes to the Entra
// emulator and back to the callback, which sends it to the return URL with a one-time result token.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const RETURN_TO = `${WIDGET_ORIGIN}/settings?tab=ads#top`;
const start = async (browser: BrowserClient, form: Record<string, string>, origin = WIDGET_ORIGIN) =>
  browser.postForm(`${h.server.url}/oauth/connect/microsoft-ads/redirect`, form, { follow: false, headers: { origin } });
const redeem = (token: string, origin = WIDGET_ORIGIN) =>
  httpRequest(`${h.server.url}/connect/redirect/result`, { method: "POST", headers: { authorization: `Bearer ${token}`, origin } });
/** Where the browser was sent back to, and the result token it carries. */
const back = (location: string | null) => {
  const url = new URL(location ?? "");
  const token = url.searchParams.get("adsc_result") ?? "";
  url.searchParams.delete("adsc_result");
  return { url: url.href, token };
};

describe("redirect mode", () => {
  it("goes to Microsoft at once, comes back to the return URL with a token that redeems the result once, from the page's origin only", async () => {
    const { token } = await h.createSession();
    const browser = new BrowserClient();
    const started = await start(browser, { connect_session_token: token, flow: "flow-redirect-1", return_to: RETURN_TO });
    expect(started.status).toBe(303);
    const authorize = started.headers.get("location")!;
    expect(authorize.startsWith(h.emulator.url)).toBe(true);
    const login = await browser.get(authorize);
    const callback = await signInAs(browser, login, "adele@contoso.example", { follow: false });
    const returned = await browser.get(new URL(callback.headers.get("location")!, callback.url).href, { follow: false });
    expect(returned.status).toBe(303);
    const { url, token: resultToken } = back(returned.headers.get("location"));
    expect(url).toBe(`${WIDGET_ORIGIN}/settings?tab=ads#top`);
    expect(resultToken).toMatch(/^adsc_rr_[A-Za-z0-9_-]{43}$/);

    expect((await redeem(resultToken, "https://evil.example")).status).toBe(401);
    const first = await redeem(resultToken);
    expect(first.status).toBe(200);
    expect(first.headers.get("access-control-allow-origin")).toBe(WIDGET_ORIGIN);
    const result = ConnectResultSchema.parse((JSON.parse(first.text) as { data: unknown }).data);
    expect(result).toMatchObject({ type: "ads-connect:success", account: { username: "adele@contoso.example" } });
    const again = await redeem(resultToken);
    expect(again.status).toBe(401);
    expect(JSON.parse(again.text)).toMatchObject({ error: { code: "redirect_result_invalid" } });
    // The session status has it too, for this flow.
    const status = await httpRequest(`${h.server.url}/connect/session/status`, { headers: { authorization: `Bearer ${token}` } });
    expect(JSON.parse(status.text)).toMatchObject({ data: { status: "success", flow: "flow-redirect-1" } });
  });

  it("refuses a page whose origin is not allowed, or a return URL on another origin: a result page, nobody sent anywhere", async () => {
    const { token } = await h.createSession();
    for (const [origin, returnTo] of [
      ["https://evil.example", "https://evil.example/back"],
      [WIDGET_ORIGIN, "https://evil.example/back"],
      ["null", RETURN_TO],
      [WIDGET_ORIGIN, "not a url"],
    ] as const) {
      const page = await start(new BrowserClient(), { connect_session_token: token, return_to: returnTo }, origin);
      expect(page.status).toBe(400);
      expect(page.headers.get("location")).toBeNull();
      expect(page.body).toContain('data-error-code="origin_not_allowed"');
    }
  });

  it("a session that cannot start goes straight back with its error as the result", async () => {
    const page = await start(new BrowserClient(), { connect_session_token: "adsc_cs_unknown", return_to: RETURN_TO });
    expect(page.status).toBe(303);
    const { url, token } = back(page.headers.get("location"));
    expect(url).toBe(RETURN_TO);
    const res = await redeem(token);
    expect(JSON.parse(res.text)).toMatchObject({ data: { type: "ads-connect:error", error: { code: "connect_session_invalid" } } });
  });

  it("a popup started later in the same browser is not sent back to the page", async () => {
    const browser = new BrowserClient();
    await start(browser, { connect_session_token: (await h.createSession()).token, return_to: RETURN_TO });
    expect(await browser.jar.getCookieString(`${h.server.url}/oauth/callback`)).toContain("adsc_redirect=");
    const popupStart = await browser.get(
      `${h.server.url}/oauth/connect/microsoft-ads?${new URLSearchParams({ connect_session_token: "adsc_cs_unknown", origin: WIDGET_ORIGIN })}`,
      { follow: false },
    );
    expect(popupStart.status).toBe(401);
    expect(await browser.jar.getCookieString(`${h.server.url}/oauth/callback`)).not.toContain("adsc_redirect=");
  });

  it("CORS preflight of the result answers allowed origins only", async () => {
    const preflight = (origin: string) =>
      httpRequest(`${h.server.url}/connect/redirect/result`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization" },
      });
    expect((await preflight(WIDGET_ORIGIN)).headers.get("access-control-allow-origin")).toBe(WIDGET_ORIGIN);
    expect((await preflight("https://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("/widget.js", () => {
  it("is the script-tag build: JavaScript, cacheable with an ETag, loadable by other origins' pages", async () => {
    const res = await httpRequest(`${h.server.url}/widget.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=3600");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.text).toContain("connect-microsoft-ads");
    // No eval or Function: a page's strict CSP (no 'unsafe-eval') runs it.
    expect(res.text).not.toMatch(/\beval\(|new Function\(/);
    const etag = res.headers.get("etag")!;
    const again = await httpRequest(`${h.server.url}/widget.js`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
  });
});
