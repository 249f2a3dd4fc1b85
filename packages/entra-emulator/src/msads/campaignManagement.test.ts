import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adsPair, faultOf } from "../testing/adsClient.js";

let pair: Awaited<ReturnType<typeof adsPair>>;
let short: Awaited<ReturnType<typeof adsPair>>;

beforeAll(async () => {
  [pair, short] = await Promise.all([adsPair(), adsPair({}, { accessTokenLifetimeSeconds: 1 })]);
});
afterAll(() => Promise.all([pair.close(), short.close()]));

const QUERY = "/CampaignManagement/v13/Campaigns/QueryByAccountId";
const UPDATE = "/CampaignManagement/v13/Campaigns";
const query = (accountId: string, CampaignType: string | null = "Search Shopping") => ({ AccountId: accountId, CampaignType, ReturnAdditionalFields: null });

describe("Campaigns/QueryByAccountId", () => {
  it("answers the account's seeded campaigns in Microsoft's shape: ids as strings, explicit nulls, PartialErrors []", async () => {
    const headers = await pair.headersFor("adele@contoso.example");
    const res = await pair.call("POST", QUERY, query(headers.CustomerAccountId!), headers);
    expect(res.status).toBe(200);
    expect(Object.keys(res.json)).toEqual(["Campaigns", "PartialErrors"]);
    expect(res.json.PartialErrors).toEqual([]);
    expect(res.json.Campaigns.map((c: Record<string, unknown>) => [c.Name, c.CampaignType, c.Status])).toEqual([
      ["Contoso Ads Brand", "Search", "Active"],
      ["Contoso Ads Generic", "Search", "Paused"],
      ["Contoso Ads Products", "Shopping", "Active"],
    ]);
    const [brand] = res.json.Campaigns;
    expect(brand).toMatchObject({
      BudgetType: "DailyBudgetStandard",
      DailyBudget: 25,
      TimeZone: "PacificTimeUSCanadaTijuana",
      TrackingUrlTemplate: null,
      ExperimentId: null,
      ForwardCompatibilityMap: [],
    });
    expect(brand.Id).toMatch(/^\d+$/);
    expect(res.text).toContain('"FinalUrlSuffix":null');
    // Deterministic: the same ids from a second emulator.
    const other = await adsPair();
    try {
      expect(other.ads.campaigns(headers.CustomerAccountId!).map((c) => [c.Id, c.Name])).toEqual(
        res.json.Campaigns.map((c: Record<string, unknown>) => [c.Id, c.Name]),
      );
    } finally {
      await other.close();
    }
  });

  it("filters by CampaignType (unset: Search only) and accepts a numeric AccountId", async () => {
    const headers = await pair.headersFor("three@contoso.example");
    const accountId = headers.CustomerAccountId!;
    const search = await pair.call("POST", QUERY, query(accountId, null), headers);
    const shopping = await pair.call("POST", QUERY, { AccountId: Number(accountId), CampaignType: "Shopping" }, headers);
    expect(search.json.Campaigns.map((c: { CampaignType: string }) => c.CampaignType)).toEqual(["Search", "Search"]);
    expect(shopping.json.Campaigns.map((c: { Name: string }) => c.Name)).toEqual(["Contoso Search Products"]);
    const bad = await pair.call("POST", QUERY, query(accountId, "Billboard"), headers);
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      TrackingId: expect.any(String),
      Type: "ApiFault",
      OperationErrors: [{ Code: 100, Details: expect.stringContaining("CampaignType"), Message: expect.any(String) }],
    });
  });
});

describe("account-scoped faults", () => {
  it("116 when CustomerId or CustomerAccountId is missing (or the Python SDK's literal None)", async () => {
    const headers = await pair.headersFor("adele@contoso.example");
    const body = query(headers.CustomerAccountId!);
    const results = await Promise.all([
      pair.call("POST", QUERY, body, { ...headers, CustomerId: null }),
      pair.call("POST", QUERY, body, { ...headers, CustomerAccountId: null }),
      pair.call("POST", QUERY, body, { ...headers, CustomerId: "None" }),
      pair.call("PUT", UPDATE, { AccountId: headers.CustomerAccountId, Campaigns: [] }, { ...headers, CustomerAccountId: null }),
    ]);
    for (const res of results) expect(faultOf(res)).toEqual({ status: 400, type: "AdApiFaultDetail", code: 116, errorCode: "RequestMissingHeaders" });
  });

  it("106 for another user's account, an account under another customer than the header's, and a body account the user cannot reach", async () => {
    const adele = await pair.headersFor("adele@contoso.example");
    const agencyAccounts = pair.ads.accounts("agency@contoso.example");
    const first = agencyAccounts[0]!;
    const otherCustomer = agencyAccounts.find((a) => a.ParentCustomerId !== first.ParentCustomerId)!;
    const agency = await pair.headersFor("agency@contoso.example", first.Id);
    const results = await Promise.all([
      pair.call("POST", QUERY, query(first.Id), { ...adele, CustomerId: first.ParentCustomerId, CustomerAccountId: first.Id }),
      pair.call("POST", QUERY, query(otherCustomer.Id), { ...agency, CustomerAccountId: otherCustomer.Id }),
      pair.call("POST", QUERY, query(adele.CustomerAccountId!), agency),
    ]);
    for (const res of results) expect(faultOf(res)).toEqual({ status: 401, type: "AdApiFaultDetail", code: 106, errorCode: "UserIsNotAuthorized" });
    // The agency reaches its other customer's account with that customer's header.
    const ok = await pair.call("POST", QUERY, query(otherCustomer.Id), {
      ...agency,
      CustomerId: otherCustomer.ParentCustomerId,
      CustomerAccountId: otherCustomer.Id,
    });
    expect(ok.status).toBe(200);
  });

  it("105 for a forged token and a wrong developer token, 109 for an expired one", async () => {
    const headers = await pair.headersFor("adele@contoso.example");
    const body = query(headers.CustomerAccountId!);
    const forged = await pair.call("POST", QUERY, body, { ...headers, Authorization: "Bearer EwAforged" });
    const wrongDev = await pair.call("POST", QUERY, body, { ...headers, DeveloperToken: "nope" });
    for (const res of [forged, wrongDev]) expect(faultOf(res)).toEqual({ status: 401, type: "AdApiFaultDetail", code: 105, errorCode: "InvalidCredentials" });
    const expiring = await short.headersFor("adele@contoso.example");
    await expect.poll(() => short.entra.isAccessTokenValid(expiring.Authorization!.slice(7)), { timeout: 3000, interval: 100 }).toBe(false);
    const expired = await short.call("POST", QUERY, query(expiring.CustomerAccountId!), expiring);
    expect(faultOf(expired)).toEqual({ status: 401, type: "AdApiFaultDetail", code: 109, errorCode: "AuthenticationTokenExpired" });
  });
});

describe("UpdateCampaigns (PUT /Campaigns)", () => {
  it("pauses and resumes campaigns as a later query shows; bad items come back in PartialErrors by index", async () => {
    const headers = await pair.headersFor("three@contoso.example");
    const accountId = headers.CustomerAccountId!;
    const [brand, generic] = pair.ads.campaigns(accountId);
    const res = await pair.call(
      "PUT",
      UPDATE,
      {
        AccountId: accountId,
        Campaigns: [
          { Id: brand!.Id, Status: "Paused" },
          { Id: "999", Status: "Paused" },
          { Id: generic!.Id, Status: "Active" },
          { Id: generic!.Id, Status: "Suspended" },
        ],
      },
      headers,
    );
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      PartialErrors: [
        {
          Code: 1100,
          Details: null,
          ErrorCode: "CampaignServiceInvalidCampaignId",
          FieldPath: "Campaigns[1].Id",
          ForwardCompatibilityMap: null,
          Index: 1,
          Message: expect.any(String),
          Type: "BatchError",
        },
        expect.objectContaining({ Index: 3, ErrorCode: "CampaignServiceInvalidCampaignStatus", Type: "BatchError" }),
      ],
    });
    const after = await pair.call("POST", QUERY, query(accountId), headers);
    expect(after.json.Campaigns.slice(0, 2).map((c: { Id: string; Status: string }) => [c.Id, c.Status])).toEqual([
      [brand!.Id, "Paused"],
      [generic!.Id, "Active"],
    ]);
    expect(pair.ads.campaigns(accountId)[0]!.Status).toBe("Paused");
  });

  it("refuses a campaign of another account (PartialErrors) and POST (AddCampaigns is not served)", async () => {
    const headers = await pair.headersFor("three@contoso.example");
    const [, second] = pair.ads.accounts("three@contoso.example");
    const foreign = pair.ads.campaigns(second!.Id)[0]!;
    const res = await pair.call("PUT", UPDATE, { AccountId: headers.CustomerAccountId, Campaigns: [{ Id: foreign.Id, Status: "Paused" }] }, headers);
    expect(res.json.PartialErrors).toEqual([expect.objectContaining({ Index: 0, Code: 1100 })]);
    expect(pair.ads.campaigns(second!.Id)[0]!.Status).toBe(foreign.Status);
    const post = await pair.call("POST", UPDATE, { AccountId: headers.CustomerAccountId, Campaigns: [{ Id: foreign.Id, Status: "Paused" }] }, headers);
    expect(post.status).toBe(404);
  });
});

describe("control surface", () => {
  it("setCampaignStatus and addCampaign show in later queries; calls counted per operation", async () => {
    const headers = await pair.headersFor("megan@contoso.example");
    const accountId = headers.CustomerAccountId!;
    const before = pair.ads.callCount("Campaigns/QueryByAccountId");
    const [brand] = pair.ads.campaigns(accountId);
    pair.ads.setCampaignStatus(brand!.Id, "BudgetPaused");
    const added = pair.ads.addCampaign(accountId, { Name: "Megan Video" });
    expect(added.Id > brand!.Id).toBe(true);
    const res = await pair.call("POST", QUERY, query(accountId), headers);
    expect(res.json.Campaigns.map((c: { Name: string; Status: string }) => [c.Name, c.Status])).toEqual([
      [brand!.Name, "BudgetPaused"],
      [expect.stringMatching(/Generic$/), "Paused"],
      [expect.stringMatching(/Products$/), "Active"],
      ["Megan Video", "Active"],
    ]);
    expect(pair.ads.callCount("Campaigns/QueryByAccountId") - before).toBe(1);
    // What the emulator saw: header names only (never token values), and the account headers.
    const seen = pair.ads.requests.at(-1)!;
    expect(seen).toMatchObject({
      operation: "Campaigns/QueryByAccountId",
      body: query(accountId),
      customerId: headers.CustomerId,
      customerAccountId: accountId,
    });
    expect(seen.headerNames).toEqual(expect.arrayContaining(["authorization", "customeraccountid", "customerid", "developertoken"]));
    expect(JSON.stringify(seen)).not.toContain(headers.Authorization!.slice(7));
    expect(() => pair.ads.setCampaignStatus("12", "Paused")).toThrow(/No campaign/);
  });

  it("throttle: 117 (HTTP 429) after N calls per window for one user and customer; other customers unaffected; passes with the window", async () => {
    const agencyAccounts = pair.ads.accounts("agency@contoso.example");
    const a = agencyAccounts[0]!;
    const b = agencyAccounts.find((x) => x.ParentCustomerId !== a.ParentCustomerId)!;
    const headersA = await pair.headersFor("agency@contoso.example", a.Id);
    const headersB = await pair.headersFor("agency@contoso.example", b.Id);
    pair.ads.throttle(3, { windowMs: 1500 });
    try {
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await pair.call("POST", QUERY, query(a.Id), headersA));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 429]);
      expect(results[3]!.json).toEqual({
        TrackingId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        Type: "AdApiFaultDetail",
        Errors: [{ Code: 117, Detail: null, ErrorCode: "CallRateExceeded", Message: expect.stringContaining("exceeded the number of calls") }],
      });
      expect((await pair.call("POST", QUERY, query(b.Id), headersB)).status).toBe(200);
      await expect.poll(async () => (await pair.call("POST", QUERY, query(a.Id), headersA)).status, { timeout: 5000, interval: 250 }).toBe(200);
      // Customer Management calls count too (against the user's own customer when no CustomerId is sent).
      pair.ads.throttle(2);
      const megan = { Authorization: (await pair.headersFor("megan@contoso.example")).Authorization! };
      const cm = [];
      for (let i = 0; i < 3; i++) cm.push(await pair.call("POST", "/CustomerManagement/v13/User/Query", { UserId: null }, megan));
      expect(cm.map((r) => faultOf(r).code ?? r.status)).toEqual([200, 200, 117]);
    } finally {
      pair.ads.throttle(null);
    }
  });
});
