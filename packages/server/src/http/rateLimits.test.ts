import { afterEach, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { type Harness, resultOf, startHarness, submitStart, WIDGET_ORIGIN } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

// Small limits over a long window, so nothing resets in the middle of a test.
const LIMITS = { RATE_LIMIT_WINDOW_SECONDS: "600", RATE_LIMIT_BROWSER: "4", RATE_LIMIT_SESSION_STATUS: "3", RATE_LIMIT_API: "5", REFRESH_AHEAD: "off" };

const get = (url: string, headers: Record<string, string> = {}) => httpRequest(url, { headers });
const retryAfter = (res: { headers: Headers }) => Number(res.headers.get("retry-after"));

function expectJsonRateLimited(res: { status: number; headers: Headers; text: string }) {
  expect(res.status).toBe(429);
  expect(retryAfter(res)).toBeGreaterThan(0);
  expect(retryAfter(res)).toBeLessThanOrEqual(600);
  expect(JSON.parse(res.text)).toEqual({ error: { code: "rate_limited", message: expect.stringMatching(/Too many requests.*\d+ seconds/) } });
}

describe("rate limits over real HTTP", () => {
  it("popup pages are limited per IP: the start page posts rate_limited to the widget, the callback page reloads itself", async () => {
    h = await startHarness({ env: LIMITS });
    const { token } = await h.createSession();
    // Three start pages and the Continue of the last one use up the allowance of 4.
    for (let i = 0; i < 2; i++) expect((await get(h.startUrl(token))).status).toBe(200);
    const browser = new BrowserClient();
    const startPage = await browser.get(h.startUrl(token));
    expect(startPage.status).toBe(200);
    expect((await submitStart(browser, startPage, "continue", { follow: false })).status).toBe(303);

    const start = await get(h.startUrl(token));
    expect(start.status).toBe(429);
    expect(retryAfter(start)).toBeGreaterThan(0);
    expect(start.headers.get("content-type")).toContain("text/html");
    expect(start.text).toContain('data-error-code="rate_limited"');
    expect(start.text).toContain(`postMessage(result, "${WIDGET_ORIGIN}")`);
    expect(start.text).toContain('"code":"rate_limited"');

    // The start page's Continue is a popup page too: limited, it posts rate_limited to the widget
    // that opened the popup (the handshake submits it without anyone seeing the page).
    const continued = await submitStart(browser, startPage, "continue", { follow: false });
    expect(continued.status).toBe(429);
    expect(retryAfter(continued)).toBeGreaterThan(0);
    expect(continued.body).toContain('data-error-code="rate_limited"');
    expect(continued.body).toContain(`postMessage(result, "${WIDGET_ORIGIN}")`);
    expect(resultOf(continued)).toMatchObject({ type: "ads-connect:error", error: { code: "rate_limited", actor: "end_user" } });

    // Nothing is spent on a limited callback: the page waits Retry-After seconds and loads again.
    const callback = await get(`${h.server.url}/oauth/callback?code=c&state=s`);
    expect(callback.status).toBe(429);
    expect(callback.text).toContain('data-error-code="rate_limited"');
    expect(callback.text).not.toContain("postMessage");
    expect(callback.text).toMatch(/location\.reload\(\)/);
    expect(callback.text).toMatch(new RegExp(`setTimeout\\(.*, ${retryAfter(callback) * 1000}\\)`));

    const adminLink = await get(`${h.server.url}/oauth/admin-consent?request=adsc_ac_x`);
    expect(adminLink.status).toBe(429);
    expect(adminLink.text).toContain('data-error-code="rate_limited"');
    expect(adminLink.text).toContain('data-admin-consent="invalid"');

    // The product backend is not affected by a busy browser IP; /health is never limited.
    expect((await h.api("GET", "/connections")).status).toBe(200);
    expect((await get(`${h.server.url}/health`)).status).toBe(200);
  });

  it("the widget's session status is limited per IP with the JSON error shape", async () => {
    h = await startHarness({ env: LIMITS });
    const { token } = await h.createSession();
    const status = () => get(`${h!.server.url}/connect/session/status`, { authorization: `Bearer ${token}` });
    for (let i = 0; i < 3; i++) expect((await status()).status).toBe(200);
    expectJsonRateLimited(await status());
    // Express answers the path with a trailing slash too: it is the same bucket, not a fresh one.
    expectJsonRateLimited(await get(`${h.server.url}/connect/session/status/`, { authorization: `Bearer ${token}` }));
  });

  it("the API is limited per secret key; requests without the key count per IP and cannot use up the key's allowance", async () => {
    h = await startHarness({ env: LIMITS });
    // Someone without the key hammers the API from the same address: limited on their own.
    for (let i = 0; i < 4; i++)
      expect((await h.api("GET", "/connections", undefined, { authorization: "Bearer not-the-secret-key-not-the-secret" })).status).toBe(401);
    expectJsonRateLimited(await get(`${h.server.url}/connections`, { authorization: "Bearer another-wrong-key-another-wrong-key" }));
    expectJsonRateLimited(await get(`${h.server.url}/connections`));

    for (let i = 0; i < 5; i++) expect((await h.api("GET", "/connections")).status).toBe(200);
    expectJsonRateLimited(
      await httpRequest(`${h.server.url}/connect/sessions`, {
        method: "POST",
        headers: { authorization: `Bearer ${h.secretKey}`, "content-type": "application/json" },
        body: JSON.stringify({ end_user: { id: "u1" } }),
      }),
    );

    // One warning per client and window; the key itself never appears in logs (the limiter's counter is named `key`).
    const reached = h.logs
      .flatMap((l) => l.split("\n"))
      .filter((l) => l.includes('"rate limit reached"'))
      .map((l) => JSON.parse(l) as { limiter: string });
    expect(reached.map((l) => l.limiter)).toEqual(["api_unauthenticated", "api"]);
    expect(h.logs.join("\n")).not.toContain(h.secretKey);
  });

  it("behind a trusted proxy each client address has its own allowance; an untrusted X-Forwarded-For is ignored", async () => {
    h = await startHarness({ env: { ...LIMITS, TRUST_PROXY: "loopback" } });
    const { token } = await h.createSession();
    const from = (ip: string) => get(h!.startUrl(token), { "x-forwarded-for": ip });
    for (let i = 0; i < 4; i++) expect((await from("203.0.113.7")).status).toBe(200);
    expect((await from("203.0.113.7")).status).toBe(429);
    expect((await from("198.51.100.9")).status).toBe(200);
    await h.close();

    h = await startHarness({ env: LIMITS });
    const other = await h.createSession();
    for (let i = 0; i < 4; i++) expect((await get(h.startUrl(other.token), { "x-forwarded-for": `192.0.2.${i}` })).status).toBe(200);
    // Without TRUST_PROXY the header is the client's say-so: the real address is limited.
    expect((await get(h.startUrl(other.token), { "x-forwarded-for": "192.0.2.200" })).status).toBe(429);
  });

  it("RATE_LIMIT=off turns every limit off", async () => {
    h = await startHarness({ env: { ...LIMITS, RATE_LIMIT: "off" } });
    for (let i = 0; i < 12; i++) expect((await h.api("GET", "/connections")).status).toBe(200);
    const { token } = await h.createSession();
    for (let i = 0; i < 6; i++) {
      const browser = new BrowserClient();
      const startPage = await browser.get(h.startUrl(token));
      expect(startPage.status).toBe(200);
      expect((await submitStart(browser, startPage, "continue", { follow: false })).status).toBe(303);
    }
  });
});
