import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** An unknown path's answer: the JSON 404 (no page, no `nonce="undefined"`). */
function expectJson404(res: { status: number; headers: Headers; text: string }, what: string) {
  expect([what, res.status], res.text).toEqual([what, 404]);
  expect(res.headers.get("content-type"), what).toMatch(/^application\/json/);
  expect(JSON.parse(res.text), what).toMatchObject({ error: { code: "not_found" } });
  expect(res.text, what).not.toContain("undefined");
}

describe("paths match case-sensitively, as the rate limits and security headers compare them", () => {
  it("another spelling of each router's paths is a JSON 404, not the page or the API answer", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off", RATE_LIMIT: "off" } });
    const { token } = await h.createSession();
    const key = { authorization: `Bearer ${h.secretKey}` };
    const query = new URLSearchParams({ connect_session_token: token, origin: "http://app.localhost:5173" });
    const cases: [string, string, Record<string, string>][] = [
      ["GET", `/OAUTH/connect/microsoft-ads?${query}`, {}],
      ["GET", `/oauth/Connect/microsoft-ads?${query}`, {}],
      ["GET", "/oauth/CALLBACK?code=c&state=s", {}],
      ["POST", "/oauth/connect/microsoft-ads/Continue", {}],
      ["POST", "/oauth/connect/microsoft-ads/ACCOUNTS", {}],
      ["GET", "/oauth/Admin-Consent?request=adsc_ac_x", {}],
      ["GET", "/Health", {}],
      ["GET", "/Connections", key],
      ["POST", "/Connect/sessions", key],
      ["GET", "/Connect/session/status", { authorization: `Bearer ${token}` }],
      ["GET", "/Actions", key],
      ["POST", "/Action/trigger", key],
      ["GET", "/Records", key],
      ["GET", "/Webhooks/deliveries", key],
      ["GET", "/Integrations/microsoft-ads/status", key],
      ["GET", "/Proxy/CampaignManagement/v13/Campaigns", { ...key, "connection-id": "x" }],
    ];
    for (const [method, path, headers] of cases) expectJson404(await httpRequest(`${h.server.url}${path}`, { method, headers }), `${method} ${path}`);
    // The spellings the routes declare still answer.
    expect((await httpRequest(`${h.server.url}/oauth/connect/microsoft-ads?${query}`)).status).toBe(200);
    expect((await httpRequest(`${h.server.url}/health`)).status).toBe(200);
  });

  it("a popup page has one rate-limit bucket: another spelling neither shows the page nor gets an allowance of its own", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off", RATE_LIMIT_WINDOW_SECONDS: "600", RATE_LIMIT_BROWSER: "3" } });
    const { token } = await h.createSession();
    const start = (prefix: string) => httpRequest(`${h!.server.url}${prefix}/connect/microsoft-ads?${new URLSearchParams({ connect_session_token: token })}`);
    for (let i = 0; i < 3; i++) expect((await start("/oauth")).status).toBe(200);
    expect((await start("/oauth")).status).toBe(429);
    const other = await start("/OAUTH");
    expect(other.status).not.toBe(200);
    expect(other.headers.get("content-type")).toMatch(/^application\/json/);
    expect(other.text).not.toContain("<form");
    expect(other.text).not.toContain('nonce="undefined"');
  });

  it("under PUBLIC_URL's path prefix too: the prefix and the paths match as written", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off", PUBLIC_URL: "http://localhost:1/prefix" } });
    // The server's own address (its URL is the public one, which nothing serves here).
    const server = h.logs.map((l) => JSON.parse(l) as { msg?: string; url?: string }).find((l) => l.msg === "ads-connect listening")!.url!;
    const session = await httpRequest(`${server}/connect/sessions`, {
      method: "POST",
      headers: { authorization: `Bearer ${h.secretKey}`, "content-type": "application/json" },
      body: JSON.stringify({ end_user: { id: "prefix-user" } }),
    });
    const query = new URLSearchParams({ connect_session_token: (JSON.parse(session.text) as { data: { token: string } }).data.token });
    expect((await httpRequest(`${server}/prefix/health`)).status).toBe(200);
    expect((await httpRequest(`${server}/prefix/oauth/connect/microsoft-ads?${query}`)).status).toBe(200);
    expectJson404(await httpRequest(`${server}/PREFIX/health`), "GET /PREFIX/health");
    expectJson404(await httpRequest(`${server}/prefix/OAUTH/connect/microsoft-ads?${query}`), "GET /prefix/OAUTH/connect");
    expectJson404(await httpRequest(`${server}/PREFIX/oauth/connect/microsoft-ads?${query}`), "GET /PREFIX/oauth/connect");
  });
});
