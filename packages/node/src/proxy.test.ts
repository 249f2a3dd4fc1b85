import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdsConnectApiError, AdsConnectClient } from "./index.js";

/** What the server's /proxy route got, one entry per request. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: { PageInfo?: { Index: number; Size: number }; [k: string]: unknown } | null;
}

const SECRET = "node-client-secret-key-0123456789abcdef";
const ACCOUNTS = Array.from({ length: 2500 }, (_, i) => ({ Id: String(180_000_000 + i) }));
const CAMPAIGNS = Array.from({ length: 1200 }, (_, i) => ({ Id: String(400_000_000_000 + i) }));

let server: Server;
let client: AdsConnectClient;
const seen: Seen[] = [];

beforeAll(async () => {
  // A real HTTP server playing ads-connect's /proxy route: pages of a list by PageInfo, as Microsoft does.
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      const body = raw ? (JSON.parse(raw) as Seen["body"]) : null;
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const send = (status: number, json: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
      if (req.headers.authorization !== `Bearer ${SECRET}`) return send(401, { error: { code: "unauthorized", message: "bad key" } });
      if (req.url === "/proxy/CampaignManagement/v13/Throttled") {
        return send(429, {
          error: {
            code: "msads_rate_limited",
            message: "117",
            msads: {
              http_status: 429,
              fault_type: "AdApiFaultDetail",
              tracking_id: "t-1",
              codes: [117],
              errors: [{ code: 117, error_code: "CallRateExceeded", message: "slow down", detail: null }],
            },
          },
        });
      }
      const list = req.url!.startsWith("/proxy/CustomerManagement/v13/Accounts/Search")
        ? ACCOUNTS
        : req.url!.startsWith("/proxy/Custom/v13/Campaigns")
          ? CAMPAIGNS
          : null;
      if (!list || !body?.PageInfo) return send(200, { Other: [] });
      const { Index, Size } = body.PageInfo;
      send(200, { [list === ACCOUNTS ? "Accounts" : "Campaigns"]: list.slice(Index * Size, (Index + 1) * Size) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  client = new AdsConnectClient({ host: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, secretKey: SECRET });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("AdsConnectClient.proxy and paginate", () => {
  it("proxy sends Nango's headers (custom ones prefixed), the account override and the query", async () => {
    seen.length = 0;
    const res = await client.proxy({
      connectionId: "c-1",
      method: "POST",
      endpoint: "/CustomerManagement/v13/Accounts/Search",
      params: { a: 1 },
      data: { PageInfo: { Index: 0, Size: 2 } },
      headers: { "X-Trace": "t" },
      retries: 2,
      customerId: "250000001",
      accountId: "180000001",
    });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ Accounts: ACCOUNTS.slice(0, 2) });
    expect(res.headers["content-type"]).toMatch(/application\/json/);
    const [call] = seen;
    expect(call).toMatchObject({ method: "POST", url: "/proxy/CustomerManagement/v13/Accounts/Search?a=1" });
    expect(call!.headers).toMatchObject({
      "connection-id": "c-1",
      "provider-config-key": "microsoft-ads",
      "nango-proxy-x-trace": "t",
      retries: "2",
      "customer-id": "250000001",
      "account-id": "180000001",
    });
  });

  it("paginate walks 2,500 accounts in pages of 1000 (Index 0, 1, 2), complete and in order", async () => {
    seen.length = 0;
    const pages: { Id: string }[][] = [];
    for await (const page of client.paginate<{ Id: string }>({
      connectionId: "c-1",
      endpoint: "/CustomerManagement/v13/Accounts/Search",
      data: { Predicates: [] },
      items: "Accounts",
    }))
      pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([1000, 1000, 500]);
    expect(pages.flat()).toEqual(ACCOUNTS);
    expect(seen.map((s) => s.body)).toEqual([0, 1, 2].map((Index) => ({ Predicates: [], PageInfo: { Index, Size: 1000 } })));
    expect(seen.every((s) => s.method === "POST")).toBe(true);
  });

  it("paginate walks 1,200 items in pages of 500 and stops on the short page; an exact multiple needs one empty page", async () => {
    seen.length = 0;
    const ids: string[] = [];
    for await (const page of client.paginate<{ Id: string }>({ connectionId: "c-1", endpoint: "/Custom/v13/Campaigns", items: "Campaigns", size: 500 }))
      ids.push(...page.map((c) => c.Id));
    expect(ids).toEqual(CAMPAIGNS.map((c) => c.Id));
    expect(seen.map((s) => s.body!.PageInfo)).toEqual([0, 1, 2].map((Index) => ({ Index, Size: 500 })));
    seen.length = 0;
    let count = 0;
    for await (const page of client.paginate({ connectionId: "c-1", endpoint: "/Custom/v13/Campaigns", items: "Campaigns", size: 400 })) count += page.length;
    expect(count).toBe(1200);
    expect(seen).toHaveLength(4);
  });

  it("a page size over 1000, a response without the list, and an error body are refused clearly", async () => {
    await expect(client.paginate({ connectionId: "c-1", endpoint: "/Custom/v13/Campaigns", items: "Campaigns", size: 1001 }).next()).rejects.toThrow(
      /page size must be 1-1000/,
    );
    await expect(client.paginate({ connectionId: "c-1", endpoint: "/CampaignManagement/v13/Other", items: "Campaigns" }).next()).rejects.toThrow(
      /has no "Campaigns" list/,
    );
    const err = await client.proxy({ connectionId: "c-1", method: "POST", endpoint: "/CampaignManagement/v13/Throttled" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdsConnectApiError);
    expect(err).toMatchObject({ status: 429, code: "msads_rate_limited", msads: { codes: [117], tracking_id: "t-1" } });
  });
});
