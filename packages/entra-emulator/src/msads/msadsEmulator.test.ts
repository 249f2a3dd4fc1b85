import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEntraEmulator } from "../startEntraEmulator.js";
import { codeFlow } from "../testing/codeFlow.js";
import { TEST_USERS } from "../testUsers.js";
import type { EntraEmulator } from "../types.js";
import { ADS_PLANS } from "./adsTestData.js";
import { SANDBOX_DEVELOPER_TOKEN, startMicrosoftAdsEmulator } from "./startMicrosoftAdsEmulator.js";
import type { MicrosoftAdsEmulator } from "./types.js";

let entra: EntraEmulator;
let shortLived: EntraEmulator;
let ads: MicrosoftAdsEmulator;
let adsShort: MicrosoftAdsEmulator;
const tokens = new Map<string, string>();

beforeAll(async () => {
  [entra, shortLived] = await Promise.all([startEntraEmulator(), startEntraEmulator({ accessTokenLifetimeSeconds: 1 })]);
  [ads, adsShort] = await Promise.all([startMicrosoftAdsEmulator({ entra }), startMicrosoftAdsEmulator({ entra: shortLived })]);
});
afterAll(() => Promise.all([ads.close(), adsShort.close(), entra.close(), shortLived.close()]));

async function tokenFor(username: string, emulator = entra): Promise<string> {
  const key = `${emulator.url} ${username}`;
  if (!tokens.has(key)) {
    const { response } = await codeFlow(emulator).tokensFor(username);
    tokens.set(key, response.body.access_token as string);
  }
  return tokens.get(key)!;
}

async function call(operation: string, body: unknown, headers: Record<string, string | null> = {}, target = ads) {
  const all: Record<string, string | null> = { "content-type": "application/json", DeveloperToken: SANDBOX_DEVELOPER_TOKEN, ...headers };
  const res = await fetch(`${target.url}/CustomerManagement/v13/${operation}`, {
    method: "POST",
    headers: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null)),
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as Record<string, any> };
}

const auth = async (username: string) => ({ Authorization: `Bearer ${await tokenFor(username)}` });
const search = (userId: string, Index: number, Size = 1000, extra: Record<string, unknown> = {}) => ({
  Predicates: [{ Field: "UserId", Operator: "Equals", Value: userId }],
  Ordering: null,
  PageInfo: { Index, Size },
  ReturnAdditionalFields: "TaxCertificate,AccountMode",
  ...extra,
});

describe("test users", () => {
  it("every Microsoft Advertising plan belongs to an Entra test user", () => {
    for (const username of Object.keys(ADS_PLANS)) expect(TEST_USERS.map((u) => u.username)).toContain(username);
  });

  it("have 0, 1, 3 and 2,500 accounts, an agency spans 3 customers", () => {
    expect(ads.accounts("none@contoso.example")).toHaveLength(0);
    expect(ads.accounts("adele@contoso.example")).toHaveLength(1);
    expect(ads.accounts("three@contoso.example")).toHaveLength(3);
    expect(ads.accounts("many@contoso.example")).toHaveLength(2500);
    expect(new Set(ads.accounts("agency@contoso.example").map((a) => a.ParentCustomerId)).size).toBe(3);
  });
});

describe("User/Query", () => {
  it("answers the caller with int64 ids as strings, explicit nulls and customer roles", async () => {
    const res = await call("User/Query", { UserId: null }, await auth("agency@contoso.example"));
    expect(res.status).toBe(200);
    const { User, CustomerRoles } = res.json;
    expect(User).toMatchObject({
      Id: ads.userId("agency@contoso.example"),
      UserName: "agency@contoso.example",
      Name: { FirstName: "Agnes", LastName: "Agency", MiddleInitial: null },
      JobTitle: null,
    });
    expect(typeof User.Id).toBe("string");
    expect(typeof User.CustomerId).toBe("string");
    expect(User.LastModifiedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?$/);
    expect(CustomerRoles).toHaveLength(3);
    expect(CustomerRoles[0]).toEqual({
      RoleId: 41,
      CustomerId: expect.any(String),
      AccountIds: expect.any(Array),
      LinkedAccountIds: [],
      CustomerLinkPermission: null,
    });
    expect(res.text).toContain('"Address":null');
  });
});

describe("Accounts/Search", () => {
  it("pages with a zero-based page index, no total, short last page, in a stable order", async () => {
    const userId = ads.userId("many@contoso.example");
    const headers = await auth("many@contoso.example");
    const pages = [];
    for (let index = 0; index < 4; index++) pages.push((await call("Accounts/Search", search(userId, index), headers)).json);
    expect(pages.map((p) => p.Accounts.length)).toEqual([1000, 1000, 500, 0]);
    expect(Object.keys(pages[0]!)).toEqual(["Accounts"]);
    const ids = pages.flatMap((p) => p.Accounts.map((a: { Id: string }) => a.Id));
    expect(ids).toEqual(ads.accounts("many@contoso.example").map((a) => a.Id));
    expect(new Set(ids).size).toBe(2500);
    // Index is a page, not an offset.
    const second = await call("Accounts/Search", search(userId, 1, 10), headers);
    expect(second.json.Accounts.map((a: { Id: string }) => a.Id)).toEqual(ids.slice(10, 20));
  });

  it("serializes accounts in Microsoft's shape: ids as strings, explicit nulls, extra fields only when asked", async () => {
    const userId = ads.userId("adele@contoso.example");
    const headers = await auth("adele@contoso.example");
    const res = await call("Accounts/Search", search(userId, 0), headers);
    const [account] = res.json.Accounts;
    expect(account).toMatchObject({
      Name: "Contoso Ads",
      Number: "F12A34BC",
      AccountLifeCycleStatus: "Active",
      CurrencyCode: "USD",
      PauseReason: null,
      LinkedAgencies: [],
      AccountMode: "Expert",
    });
    expect(typeof account.Id).toBe("string");
    expect(typeof account.ParentCustomerId).toBe("string");
    expect(res.text).toContain('"PauseReason":null');
    const plain = await call("Accounts/Search", search(userId, 0, 1000, { ReturnAdditionalFields: null }), headers);
    expect(plain.json.Accounts[0].AccountMode).toBeNull();
    // Ids may be sent as numbers.
    const numeric = await call(
      "Accounts/Search",
      search(userId, 0, 1000, { Predicates: [{ Field: "UserId", Operator: "Equals", Value: Number(userId) }] }),
      headers,
    );
    expect(numeric.json.Accounts).toHaveLength(1);
  });

  it("refuses more than one predicate, a page size over 1000, and a negative page", async () => {
    const userId = ads.userId("three@contoso.example");
    const headers = await auth("three@contoso.example");
    const two = await call(
      "Accounts/Search",
      search(userId, 0, 10, {
        Predicates: [
          { Field: "UserId", Operator: "Equals", Value: userId },
          { Field: "AccountName", Operator: "Contains", Value: "a" },
        ],
      }),
      headers,
    );
    const big = await call("Accounts/Search", search(userId, 0, 1001), headers);
    const negative = await call("Accounts/Search", search(userId, -1), headers);
    for (const res of [two, big, negative]) {
      expect(res.status).toBe(400);
      expect(res.json).toEqual({
        TrackingId: expect.any(String),
        Type: "ApiFault",
        OperationErrors: [{ Code: 100, Details: expect.any(String), Message: expect.any(String) }],
      });
    }
  });
});

describe("faults", () => {
  const faultOf = (json: Record<string, any>) => ({
    type: json.Type,
    code: json.Errors?.[0]?.Code,
    errorCode: json.Errors?.[0]?.ErrorCode,
    detail: json.Errors?.[0]?.Detail,
  });

  it("116 without the DeveloperToken or Authorization header", async () => {
    const noDev = await call("User/Query", {}, { ...(await auth("adele@contoso.example")), DeveloperToken: null });
    const noAuth = await call("User/Query", {}, {});
    for (const res of [noDev, noAuth])
      expect({ status: res.status, ...faultOf(res.json) }).toEqual({
        status: 400,
        type: "AdApiFaultDetail",
        code: 116,
        errorCode: "RequestMissingHeaders",
        detail: null,
      });
    expect(noDev.json.TrackingId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("105 (HTTP 401) for a token the Entra emulator never issued, a wrong developer token, and the rejected user", async () => {
    const forged = await call("User/Query", {}, { Authorization: "Bearer EwAforged" });
    const wrongDev = await call("User/Query", {}, { ...(await auth("adele@contoso.example")), DeveloperToken: "not-a-token" });
    const rejected = await call("User/Query", {}, await auth("rejected@contoso.example"));
    for (const res of [forged, wrongDev, rejected]) {
      expect({ status: res.status, ...faultOf(res.json) }).toEqual({
        status: 401,
        type: "AdApiFaultDetail",
        code: 105,
        errorCode: "InvalidCredentials",
        detail: null,
      });
      expect(res.json.Errors[0].Message).toBe("Authentication failed. Either supplied credentials are invalid or the account is inactive");
    }
  });

  it("109 (HTTP 401) for an expired access token", async () => {
    const token = await tokenFor("adele@contoso.example", shortLived);
    await expect.poll(() => shortLived.isAccessTokenValid(token), { timeout: 3000, interval: 100 }).toBe(false);
    const res = await call("User/Query", {}, { Authorization: `Bearer ${token}` }, adsShort);
    expect({ status: res.status, ...faultOf(res.json) }).toEqual({
      status: 401,
      type: "AdApiFaultDetail",
      code: 109,
      errorCode: "AuthenticationTokenExpired",
      detail: null,
    });
  });

  it("106 for another user's id; injected 117, 0 and 106 for the next N calls, then it works; calls counted", async () => {
    const headers = await auth("three@contoso.example");
    const other = await call("Accounts/Search", search(ads.userId("adele@contoso.example"), 0), headers);
    expect({ status: other.status, ...faultOf(other.json) }).toMatchObject({ status: 401, code: 106, errorCode: "UserIsNotAuthorized" });

    const before = ads.callCount("User/Query");
    ads.injectFault(117, { times: 2, operation: "User/Query" });
    ads.injectFault(0);
    const r1 = await call("User/Query", {}, headers);
    const r2 = await call("User/Query", {}, headers);
    const r3 = await call("Accounts/Search", search(ads.userId("three@contoso.example"), 0), headers);
    const r4 = await call("User/Query", {}, headers);
    expect([r1, r2].map((r) => ({ status: r.status, ...faultOf(r.json) }))).toEqual(
      Array(2).fill({ status: 429, type: "AdApiFaultDetail", code: 117, errorCode: "CallRateExceeded", detail: null }),
    );
    expect({ status: r3.status, ...faultOf(r3.json) }).toEqual({ status: 500, type: "AdApiFaultDetail", code: 0, errorCode: "InternalError", detail: null });
    expect(r4.status).toBe(200);
    expect(ads.callCount("User/Query") - before).toBe(3);
  });
});

describe("control surface", () => {
  it("adds, renames, closes and removes accounts as searches then show", async () => {
    const username = "megan@contoso.example";
    const headers = await auth(username);
    const userId = ads.userId(username);
    const added = ads.addAccount(username, { Name: "Megan New" });
    const [first] = ads.accounts(username);
    ads.renameAccount(first!.Id, "Megan Renamed");
    ads.setAccountStatus(added.Id, "Inactive");
    let res = await call("Accounts/Search", search(userId, 0), headers);
    expect(res.json.Accounts.map((a: { Name: string; AccountLifeCycleStatus: string }) => [a.Name, a.AccountLifeCycleStatus])).toEqual([
      ["Megan Renamed", "Active"],
      ["Megan New", "Inactive"],
    ]);
    ads.removeAccess(username, added.Id);
    res = await call("Accounts/Search", search(userId, 0), headers);
    expect(res.json.Accounts).toHaveLength(1);
  });
});
