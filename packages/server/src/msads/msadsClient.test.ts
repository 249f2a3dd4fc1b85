import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { paginate } from "@ads-connect/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MsAdsError } from "./MsAdsError.js";
import { MsAdsClient } from "./msadsClient.js";
import { msadsOrigin, msadsUrl } from "./msadsHosts.js";

/** A real HTTP server that answers each request with the next canned reply and records what it got. */
let server: ReturnType<typeof createServer>;
let url: string;
const replies: { status: number; body: string; headers?: Record<string, string> }[] = [];
const seen: { method: string; path: string; headers: IncomingHttpHeaders; body: string }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
      const reply = replies.shift() ?? { status: 200, body: "{}" };
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("hosts", () => {
  it("picks the service's host per environment, or the one API URL with the path kept", () => {
    expect(msadsOrigin("CustomerManagement", "production")).toBe("https://clientcenter.api.bingads.microsoft.com");
    expect(msadsOrigin("CustomerManagement", "sandbox")).toBe("https://clientcenter.api.sandbox.bingads.microsoft.com");
    expect(msadsUrl("/CampaignManagement/v13/Campaigns/QueryByAccountId", "sandbox", null)).toBe(
      "https://campaign.api.sandbox.bingads.microsoft.com/CampaignManagement/v13/Campaigns/QueryByAccountId",
    );
    expect(msadsUrl("/Reporting/v13/GenerateReport/Submit", "production", "http://127.0.0.1:4012")).toBe(
      "http://127.0.0.1:4012/Reporting/v13/GenerateReport/Submit",
    );
    expect(() => msadsUrl("/Unknown/v13/X", "production", null)).toThrow();
  });
});

describe("MsAdsClient", () => {
  const client = () => new MsAdsClient({ environment: "production", developerToken: "DEVTOKEN1", apiUrl: url });

  it("sends Authorization, DeveloperToken, CustomerId and CustomerAccountId", async () => {
    replies.push({ status: 200, body: '{"ok":true}' });
    await expect(
      client().post("/CampaignManagement/v13/Campaigns/QueryByAccountId", { AccountId: "1" }, { accessToken: "at-1", customerId: "22", accountId: "33" }),
    ).resolves.toEqual({ ok: true });
    const last = seen.at(-1)!;
    expect(last.path).toBe("/CampaignManagement/v13/Campaigns/QueryByAccountId");
    expect(last.headers).toMatchObject({ authorization: "Bearer at-1", developertoken: "DEVTOKEN1", customerid: "22", customeraccountid: "33" });
  });

  it("parses faults whatever the HTTP status into codes and TrackingId, Detail and Details alike", async () => {
    replies.push({
      status: 200,
      body: JSON.stringify({
        TrackingId: "t-200",
        Type: "AdApiFaultDetail",
        Errors: [{ Code: 109, Detail: null, ErrorCode: "AuthenticationTokenExpired", Message: "expired" }],
      }),
    });
    replies.push({
      status: 500,
      body: JSON.stringify({ TrackingId: "t-500", Type: "ApiFault", OperationErrors: [{ Code: 1102, Details: "bad id", Message: "Invalid account" }] }),
    });
    replies.push({ status: 502, body: "<html>bad gateway</html>" });
    const errors: MsAdsError[] = [];
    for (let i = 0; i < 3; i++)
      await client()
        .post("/CustomerManagement/v13/User/Query", {}, { accessToken: "x" })
        .catch((e: MsAdsError) => errors.push(e));
    expect(errors.map((e) => [e.kind, e.codes, e.trackingId, e.httpStatus])).toEqual([
      ["fault", [109], "t-200", 200],
      ["fault", [1102], "t-500", 500],
      ["http", [], null, 502],
    ]);
    expect(errors[1]!.errors[0]).toEqual({ code: 1102, errorCode: null, message: "Invalid account", detail: "bad id" });
    expect(errors[0]!.message).not.toContain("DEVTOKEN1");
  });

  it("request: any method, the path's query kept, no body on GET; the caller's credential headers dropped; cookies not returned", async () => {
    replies.push(
      { status: 200, body: '{"Campaigns":[]}', headers: { "set-cookie": "session=abc", trackingid: "t-ok" } },
      { status: 200, body: '{"PartialErrors":[]}' },
      { status: 302, body: "" },
    );
    const got = await client().request(
      "GET",
      "/CampaignManagement/v13/Campaigns?AccountId=1",
      { ignored: true },
      {
        accessToken: "at-2",
        accountId: "33",
        headers: { Authorization: "Bearer stolen", developertoken: "mine", "X-Custom": "yes", CustomerAccountId: "999" },
      },
    );
    expect(got).toEqual({ status: 200, headers: expect.objectContaining({ "content-type": "application/json", trackingid: "t-ok" }), data: { Campaigns: [] } });
    expect(got.headers["set-cookie"]).toBeUndefined();
    const get = seen.at(-1)!;
    expect([get.method, get.path, get.body]).toEqual(["GET", "/CampaignManagement/v13/Campaigns?AccountId=1", ""]);
    expect(get.headers).toMatchObject({ authorization: "Bearer at-2", developertoken: "DEVTOKEN1", customeraccountid: "33", "x-custom": "yes" });
    await client().request("PUT", "/CampaignManagement/v13/Campaigns", { AccountId: "1", Campaigns: [] }, { accessToken: "at-2" });
    expect(seen.at(-1)).toMatchObject({ method: "PUT", body: '{"AccountId":"1","Campaigns":[]}', headers: { "content-type": "application/json" } });
    // A redirect is not followed (it could lead off Microsoft's hosts).
    const redirected = await client()
      .request("GET", "/CampaignManagement/v13/Campaigns", undefined, { accessToken: "at-2" })
      .catch((e: MsAdsError) => e);
    expect(redirected).toMatchObject({ kind: "http", httpStatus: 302 });
  });

  it("reports an unreachable host as a network error without the tokens", async () => {
    const down = new MsAdsClient({ environment: "production", developerToken: "DEVTOKEN1", apiUrl: "http://127.0.0.1:1" });
    const err = await down.post("/CustomerManagement/v13/User/Query", {}, { accessToken: "secret-at" }).catch((e: MsAdsError) => e);
    expect(err).toBeInstanceOf(MsAdsError);
    expect((err as MsAdsError).kind).toBe("network");
    expect(JSON.stringify({ message: (err as MsAdsError).message, details: (err as MsAdsError).details })).not.toMatch(/DEVTOKEN1|secret-at/);
  });
});

describe("paginate", () => {
  it("reads zero-based pages until a short one, in order", async () => {
    const items = Array.from({ length: 2500 }, (_, i) => i);
    const asked: number[] = [];
    const all = await paginate(async ({ Index, Size }) => {
      asked.push(Index);
      return items.slice(Index * Size, (Index + 1) * Size);
    });
    expect(asked).toEqual([0, 1, 2]);
    expect(all).toEqual(items);
    // A full last page costs one more (empty) page: there is no total.
    const exact = await paginate(async ({ Index, Size }) => items.slice(0, 2000).slice(Index * Size, (Index + 1) * Size));
    expect(exact).toHaveLength(2000);
  });
});
