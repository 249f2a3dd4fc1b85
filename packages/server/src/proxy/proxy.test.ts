import { ApiErrorBodySchema } from "@ads-connect/shared";
import { Nango } from "@nangohq/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../testing/harness.js";
import { codeOf, connectUser, INJECTED_HEADERS, rawRequest, TRANSPORT_HEADERS } from "../testing/proxyTesting.js";

const QUERY = "/CampaignManagement/v13/Campaigns/QueryByAccountId";
let h: Harness;
let nango: Nango;
/** three@contoso.example, with the second and third of their accounts chosen. */
let id: string;
let accounts: { Id: string; ParentCustomerId: string }[];

beforeAll(async () => {
  h = await startHarness({ env: { PROXY_MAX_REQUEST_BYTES: "4096", PROXY_RETRY_BASE_MS: "10" } });
  nango = new Nango({ host: h.server.url, secretKey: h.secretKey });
  accounts = h.ads.accounts("three@contoso.example");
  id = await connectUser(h, "three@contoso.example", (ids) => ids.slice(1));
});
afterAll(() => h.close());

const calls = () => h.ads.callCount();
const proxyHeaders = (extra: Record<string, string> = {}) => ({ "Connection-Id": id, "Provider-Config-Key": "microsoft-ads", ...extra });

describe("proxy with @nangohq/node unchanged", () => {
  it("calls Campaign Management for the connection's selected account with exactly the four injected headers", async () => {
    const selected = accounts[1]!;
    const res = await nango.proxy<{ Campaigns: { Id: string }[] }>({
      method: "POST",
      endpoint: QUERY,
      connectionId: id,
      providerConfigKey: "microsoft-ads",
      data: { AccountId: selected.Id, CampaignType: "Search Shopping" },
    });
    expect(res.status).toBe(200);
    expect(res.data.Campaigns.map((c) => c.Id)).toEqual(h.ads.campaigns(selected.Id).map((c) => c.Id));
    const seen = h.ads.requests.at(-1)!;
    expect(seen.operation).toBe("Campaigns/QueryByAccountId");
    expect(seen).toMatchObject({ customerId: selected.ParentCustomerId, customerAccountId: selected.Id });
    expect(seen.headerNames).toEqual([...INJECTED_HEADERS, ...TRANSPORT_HEADERS].sort());
    // Microsoft's TrackingId and content type come back; the server's own headers do not.
    expect(res.headers["content-type"]).toMatch(/json/);
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });

  it("never forwards the caller's Authorization, DeveloperToken, CustomerId, cookies or forwarding headers", async () => {
    const before = calls();
    const res = await h.api(
      "POST",
      `/proxy${QUERY}`,
      { AccountId: accounts[1]!.Id },
      {
        ...proxyHeaders(),
        DeveloperToken: "SMUGGLED-DEVTOKEN",
        CustomerId: "999",
        CustomerAccountId: "998",
        Cookie: "session=abc",
        "X-Forwarded-For": "10.0.0.1",
        Forwarded: "for=10.0.0.1",
        "X-Custom": "not-prefixed",
      },
    );
    expect(res.status).toBe(200);
    expect(calls()).toBe(before + 1);
    const seen = h.ads.requests.at(-1)!;
    expect(seen.headerNames).toEqual([...INJECTED_HEADERS, ...TRANSPORT_HEADERS].sort());
    expect(seen).toMatchObject({ customerId: accounts[1]!.ParentCustomerId, customerAccountId: accounts[1]!.Id });
  });

  it("forwards Nango-Proxy- headers and refuses ones that name credentials, cookies, host or forwarding, sending nothing", async () => {
    await nango.proxy({
      method: "POST",
      endpoint: QUERY,
      connectionId: id,
      providerConfigKey: "microsoft-ads",
      data: { AccountId: accounts[1]!.Id },
      headers: { "X-Trace": "t-1" },
    });
    expect(h.ads.requests.at(-1)!.headerNames).toContain("x-trace");
    const before = calls();
    for (const name of [
      "Authorization",
      "DeveloperToken",
      "CustomerId",
      "CustomerAccountId",
      "Cookie",
      "Host",
      "X-Forwarded-For",
      "Forwarded",
      "Connection-Id",
      "Transfer-Encoding",
      "Proxy-Authorization",
    ]) {
      const res = await h.api("POST", `/proxy${QUERY}`, { AccountId: accounts[1]!.Id }, proxyHeaders({ [`Nango-Proxy-${name}`]: "x" }));
      expect([name, res.status, codeOf(res.json)]).toEqual([name, 400, "proxy_refused"]);
    }
    expect(calls()).toBe(before);
  });

  it("Account-Id / Customer-Id pick another of the connection's accounts; a stranger's is refused (403) with nothing sent", async () => {
    const other = accounts[0]!; // not selected, but one of the connection's accounts
    await nango.proxy({
      method: "POST",
      endpoint: QUERY,
      connectionId: id,
      providerConfigKey: "microsoft-ads",
      data: { AccountId: other.Id },
      headers: { "Account-Id": other.Id },
    });
    expect(h.ads.requests.at(-1)).toMatchObject({ customerAccountId: other.Id, customerId: other.ParentCustomerId });
    expect(h.ads.requests.at(-1)!.headerNames).not.toContain("account-id");
    const before = calls();
    const stranger = h.ads.accounts("adele@contoso.example")[0]!;
    const cases = [
      [await h.api("POST", `/proxy${QUERY}`, {}, proxyHeaders({ "Account-Id": stranger.Id })), 403, "account_not_in_connection"],
      [
        await h.api(
          "POST",
          `/proxy${QUERY}`,
          {},
          proxyHeaders({ "Customer-Id": stranger.ParentCustomerId === other.ParentCustomerId ? "1" : stranger.ParentCustomerId }),
        ),
        403,
        "account_not_in_connection",
      ],
      [await h.api("POST", `/proxy${QUERY}`, {}, proxyHeaders({ "Account-Id": "abc" })), 400, "invalid_header"],
      [await h.api("POST", `/proxy${QUERY}`, {}, proxyHeaders({ "Account-Id": other.Id, "Customer-Id": "12345" })), 400, "invalid_body"],
      [await h.api("POST", `/proxy${QUERY}`, {}, { "Provider-Config-Key": "microsoft-ads" }), 400, "invalid_header"],
      [await h.api("POST", `/proxy${QUERY}`, {}, proxyHeaders({ "Provider-Config-Key": "google-ads" })), 400, "unknown_provider_config"],
      [await h.api("POST", `/proxy${QUERY}`, {}, proxyHeaders({ "Connection-Id": "no-such-connection" })), 404, "not_found"],
      [await h.api("POST", `/proxy${QUERY}`, {}, { ...proxyHeaders(), authorization: "Bearer not-the-secret-key-0123456789abcdef" }), 401, "unauthorized"],
    ] as const;
    expect(cases.map(([res, status, code]) => [res.status, codeOf(res.json), status, code]).filter(([s, c, es, ec]) => s !== es || c !== ec)).toEqual([]);
    expect(calls()).toBe(before);
  });
});

describe("allow-list and limits", () => {
  it("refuses hosts off the list, smuggling tricks in the path and bad overrides with 400, sending nothing", async () => {
    const before = calls();
    const auth = { authorization: `Bearer ${h.secretKey}`, ...proxyHeaders() };
    const paths = [
      "/proxy/CampaignManagement/v13/../../CustomerManagement/v13/User/Query",
      "/proxy/CampaignManagement/v13/./Campaigns/QueryByAccountId",
      "/proxy/CampaignManagement/v13/Campaigns%2FQueryByAccountId",
      "/proxy/CampaignManagement/v13/%2e%2e/x",
      "/proxy/CampaignManagement/v13/a%5cb",
      "/proxy/CampaignManagement/v13/a\\b",
      "/proxy/https://evil.example/CampaignManagement/v13/Campaigns/QueryByAccountId",
      "/proxy//evil.example/CampaignManagement/v13/Campaigns/QueryByAccountId",
      "/proxy/@evil.example/CampaignManagement/v13/Campaigns/QueryByAccountId",
      "/proxy/CampaignManagement/v13/x@evil.example/y",
      "/proxy/Unknown/v13/Thing",
      "/proxy/127.0.0.1/CampaignManagement/v13/x",
      // Names every object inherits are no services (security review T5).
      "/proxy/toString/v13/x",
      "/proxy/constructor/v13/x",
      "/proxy/hasOwnProperty/v13/x",
      "/proxy/__proto__/v13/x",
    ];
    for (const path of paths) {
      const res = await rawRequest(h.server.url, "POST", path, { ...auth, "content-type": "application/json" }, "{}");
      expect([path, res.status, codeOf(res.json)]).toEqual([path, 400, "proxy_refused"]);
    }
    for (const override of [
      "https://evil.example",
      "http://127.0.0.1:1",
      "https://user:pw@campaign.api.bingads.microsoft.com",
      "https://campaign.api.bingads.microsoft.com.evil.example",
      "not a url",
    ]) {
      const res = await h.api("POST", `/proxy${QUERY}`, {}, proxyHeaders({ "Base-Url-Override": override }));
      expect([override, res.status, codeOf(res.json)]).toEqual([override, 400, "proxy_refused"]);
    }
    expect(calls()).toBe(before);
    // The configured API URL itself is on the list.
    const ok = await h.api("POST", `/proxy${QUERY}`, { AccountId: accounts[1]!.Id }, proxyHeaders({ "Base-Url-Override": h.ads.url }));
    expect(ok.status).toBe(200);
  });

  it("refuses an oversized body with 413 before anything is sent, with or without Content-Length", async () => {
    const before = calls();
    const big = JSON.stringify({ AccountId: accounts[1]!.Id, pad: "x".repeat(5000) });
    const auth = { authorization: `Bearer ${h.secretKey}`, ...proxyHeaders(), "content-type": "application/json" };
    const sized = await rawRequest(h.server.url, "POST", `/proxy${QUERY}`, { ...auth, "content-length": String(Buffer.byteLength(big)) }, big);
    expect([sized.status, codeOf(sized.json)]).toEqual([413, "payload_too_large"]);
    const chunked = await rawRequest(h.server.url, "POST", `/proxy${QUERY}`, { ...auth, "transfer-encoding": "chunked" }, big);
    expect([chunked.status, codeOf(chunked.json)]).toEqual([413, "payload_too_large"]);
    expect(calls()).toBe(before);
  });

  it("with the Entra emulator but no MICROSOFT_ADS_API_URL, refuses with 503 msads_not_configured and sends nothing", async () => {
    // The emulator's tokens would mean nothing to Microsoft's real hosts.
    const instance = await h.startInstance({ MICROSOFT_ADS_API_URL: undefined as unknown as string });
    try {
      const before = calls();
      const res = await rawRequest(
        instance.url,
        "POST",
        `/proxy${QUERY}`,
        { authorization: `Bearer ${h.secretKey}`, ...proxyHeaders(), "content-type": "application/json" },
        JSON.stringify({ AccountId: accounts[1]!.Id }),
      );
      expect([res.status, codeOf(res.json)]).toEqual([503, "msads_not_configured"]);
      expect(calls()).toBe(before);
    } finally {
      await instance.close();
    }
  });
});

describe("faults, token refresh and retries", () => {
  it("109 mid-call: exactly one token refresh at Entra and one retry", async () => {
    const refreshes = h.emulator.stats.tokenRequests.refresh_token;
    const before = h.ads.callCount("Campaigns/QueryByAccountId");
    h.ads.injectFault(109, { operation: "Campaigns/QueryByAccountId" });
    const res = await nango.proxy<{ Campaigns: unknown[] }>({
      method: "POST",
      endpoint: QUERY,
      connectionId: id,
      providerConfigKey: "microsoft-ads",
      data: { AccountId: accounts[1]!.Id },
    });
    expect(res.status).toBe(200);
    expect(h.emulator.stats.tokenRequests.refresh_token).toBe(refreshes + 1);
    expect(h.ads.callCount("Campaigns/QueryByAccountId")).toBe(before + 2);

    // 109 again after the refresh: reported, not retried again.
    h.ads.injectFault(109, { operation: "Campaigns/QueryByAccountId", times: 2 });
    const failed = await h.api("POST", `/proxy${QUERY}`, { AccountId: accounts[1]!.Id }, proxyHeaders());
    expect(failed.status).toBe(401);
    expect(failed.json).toMatchObject({
      error: {
        code: "msads_error",
        msads: { codes: [109], fault_type: "AdApiFaultDetail", tracking_id: expect.any(String), http_status: 401 },
        raw_body: expect.stringContaining("AuthenticationTokenExpired"),
      },
    });
    expect(h.emulator.stats.tokenRequests.refresh_token).toBe(refreshes + 2);
    expect(h.ads.callCount("Campaigns/QueryByAccountId")).toBe(before + 4);
  });

  it("Microsoft's faults whatever the status become the usual error shape with codes, TrackingId and the raw body", async () => {
    const res = await h.api("POST", `/proxy${QUERY}`, { AccountId: accounts[1]!.Id, CampaignType: "Bogus" }, proxyHeaders());
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      error: {
        code: "msads_error",
        message: expect.stringContaining("100"),
        msads: { codes: [100], fault_type: "ApiFault", errors: [{ code: 100, detail: expect.stringContaining("CampaignType") }] },
      },
    });
    const { error } = ApiErrorBodySchema.parse(res.json);
    expect(error.msads!.tracking_id).toEqual(expect.any(String));
    expect(JSON.parse(error.raw_body!).TrackingId).toBe(error.msads!.tracking_id);
    const missing = await h.api("POST", "/proxy/CampaignManagement/v13/NoSuchOperation", {}, proxyHeaders());
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: { code: "msads_error", msads: { http_status: 404, codes: [] } } });
  });

  it("5xx: retried with backoff for idempotent methods or statuses in Retry-On, else reported once", async () => {
    const op = "Campaigns/QueryByAccountId";
    let before = h.ads.callCount(op);
    h.ads.injectFault(0, { operation: op, times: 2 });
    const res = await nango.proxy<{ Campaigns: unknown[] }>({
      method: "POST",
      endpoint: QUERY,
      connectionId: id,
      providerConfigKey: "microsoft-ads",
      data: { AccountId: accounts[1]!.Id },
      retries: 3,
      retryOn: [500],
    });
    expect(res.status).toBe(200);
    expect(h.ads.callCount(op)).toBe(before + 3);

    // POST without Retry-On is not retried: one call, a 502 carrying Microsoft's code 0.
    before = h.ads.callCount(op);
    h.ads.injectFault(0, { operation: op });
    const once = await h.api("POST", `/proxy${QUERY}`, { AccountId: accounts[1]!.Id }, proxyHeaders({ Retries: "3" }));
    expect(once.status).toBe(502);
    expect(once.json).toMatchObject({ error: { code: "msads_error", msads: { codes: [0], http_status: 500 } } });
    expect(h.ads.callCount(op)).toBe(before + 1);

    // PUT (Campaigns update) is idempotent: retried without being asked.
    const update = h.ads.campaigns(accounts[1]!.Id)[0]!;
    before = h.ads.callCount("Campaigns/Update");
    h.ads.injectFault(0, { operation: "Campaigns/Update" });
    const put = await h.api(
      "PUT",
      "/proxy/CampaignManagement/v13/Campaigns",
      { AccountId: accounts[1]!.Id, Campaigns: [{ Id: update.Id, Status: "Paused" }] },
      proxyHeaders({ Retries: "1" }),
    );
    expect(put.status).toBe(200);
    expect(h.ads.callCount("Campaigns/Update")).toBe(before + 2);
    expect(h.ads.campaigns(accounts[1]!.Id)[0]!.Status).toBe("Paused");
  });
});
