import { AdsConnectApiError, AdsConnectClient } from "@ads-connect/node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Harness, startHarness } from "../testing/harness.js";
import { connectUser } from "../testing/proxyTesting.js";

// The backend client's proxy() and paginate() against the real server and the Microsoft Advertising
// emulator (the client's own tests cover its request shapes against a local server).
let h: Harness;
let client: AdsConnectClient;

beforeAll(async () => {
  h = await startHarness();
  client = new AdsConnectClient({ host: h.server.url, secretKey: h.secretKey, webhookSigningKey: h.webhookSigningKey });
});
afterAll(() => h.close());

it("paginate walks the 2,500-account user's Accounts/Search through the proxy: complete, in Microsoft's order, pages of at most 1000", async () => {
  const id = await connectUser(h, "many@contoso.example", (ids) => ids.slice(0, 1));
  const expected = h.ads.accounts("many@contoso.example").map((a) => a.Id);
  const { data: user } = await client.proxy<{ User: { Id: string } }>({
    connectionId: id,
    method: "POST",
    endpoint: "/CustomerManagement/v13/User/Query",
    data: { UserId: null },
  });
  const searchesBefore = h.ads.callCount("Accounts/Search");
  const pages: string[][] = [];
  for await (const page of client.paginate<{ Id: string }>({
    connectionId: id,
    endpoint: "/CustomerManagement/v13/Accounts/Search",
    data: { Predicates: [{ Field: "UserId", Operator: "Equals", Value: user.User.Id }], Ordering: null },
    items: "Accounts",
  })) {
    pages.push(page.map((a) => a.Id));
  }
  expect(pages.map((p) => p.length)).toEqual([1000, 1000, 500]);
  expect(pages.flat()).toEqual(expected);
  expect(h.ads.callCount("Accounts/Search") - searchesBefore).toBe(3);
});

it("a Microsoft fault through the proxy is an AdsConnectApiError carrying Microsoft's codes", async () => {
  const id = await connectUser(h, "three@contoso.example");
  h.ads.injectFault(106, { operation: "Campaigns/QueryByAccountId" });
  const account = h.ads.accounts("three@contoso.example")[0]!;
  const err = await client
    .proxy({ connectionId: id, method: "POST", endpoint: "/CampaignManagement/v13/Campaigns/QueryByAccountId", data: { AccountId: account.Id } })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AdsConnectApiError);
  expect(err).toMatchObject({ code: "msads_error", msads: { codes: [106], tracking_id: expect.any(String) } });
});
