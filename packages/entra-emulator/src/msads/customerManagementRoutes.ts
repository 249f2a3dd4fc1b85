import { Router } from "express";
import type { AdsAccount, AdsState, AdsUser } from "./AdsState.js";
import { type AccessTokenLookup, adsAuthenticator, idOf } from "./adsAuth.js";
import { ADS_FAULTS, AdsFault, invalidRequest } from "./adsFaults.js";
import { objectBody } from "./objectBody.js";

export type { AccessTokenLookup } from "./adsAuth.js";

const PAGE_SIZE_MAX = 1000;
const ADDITIONAL_FIELDS = new Set(["TaxCertificate", "AccountMode", "AccountFeatures"]);
const ORDER_FIELDS: Record<string, (a: AdsAccount) => string> = {
  Id: (a) => a.Id.padStart(20, "0"),
  Name: (a) => a.Name,
  Number: (a) => a.Number,
  LifeCycleStatus: (a) => a.AccountLifeCycleStatus,
};

/**
 * Customer Management v13 REST: `User/Query` and `Accounts/Search`, with Microsoft's header checks,
 * paging rules (zero-based page Index, Size ≤ 1000, no total) and fault shapes.
 */
export function customerManagementRoutes(state: AdsState, lookup: AccessTokenLookup): Router {
  const router = Router();

  const authenticate = adsAuthenticator(state, lookup).user;

  router.post("/CustomerManagement/v13/User/Query", (req, res) => {
    const user = authenticate(req, "User/Query");
    const body = objectBody(req.body);
    const userId = body.UserId ?? null;
    // null (or absent) means the caller; another user's id needs rights the test users lack.
    if (userId !== null && String(userId) !== user.Id) throw new AdsFault(ADS_FAULTS[106], "AdApiFaultDetail");
    res.json({
      User: {
        ContactInfo: {
          Address: null,
          ContactByPhone: false,
          ContactByPostalMail: false,
          Email: user.username,
          EmailFormat: null,
          Fax: null,
          HomePhone: null,
          Id: null,
          Mobile: null,
          Phone1: null,
          Phone2: null,
        },
        CustomerId: user.customerId,
        Id: user.Id,
        JobTitle: null,
        LastModifiedByUserId: user.Id,
        LastModifiedTime: user.lastModifiedTime,
        Lcid: "EnglishUS",
        Name: { FirstName: user.FirstName, LastName: user.LastName, MiddleInitial: null },
        Password: null,
        SecretAnswer: null,
        SecretQuestion: "None",
        UserLifeCycleStatus: "Active",
        TimeStamp: user.timeStamp,
        UserName: user.username,
        ForwardCompatibilityMap: [],
        LinkedAccountIds: null,
      },
      CustomerRoles: user.customers.map((c) => ({
        RoleId: 41,
        CustomerId: c.id,
        AccountIds: [...c.accountIds],
        LinkedAccountIds: [],
        CustomerLinkPermission: null,
      })),
    });
  });

  router.post("/CustomerManagement/v13/Accounts/Search", (req, res) => {
    const user = authenticate(req, "Accounts/Search");
    const body = objectBody(req.body);
    const predicates = body.Predicates;
    if (!Array.isArray(predicates) || predicates.length !== 1) throw invalidRequest("Predicates must hold exactly one predicate.");
    const predicate = predicates[0] as { Field?: unknown; Operator?: unknown; Value?: unknown };
    const matches = matcher(predicate, user);
    const pageInfo = body.PageInfo as { Index?: unknown; Size?: unknown } | null | undefined;
    const index = pageInfo?.Index;
    const size = pageInfo?.Size;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0) throw invalidRequest("PageInfo.Index must be a page index of 0 or more.");
    if (typeof size !== "number" || !Number.isInteger(size) || size < 1 || size > PAGE_SIZE_MAX)
      throw invalidRequest(`PageInfo.Size must be between 1 and ${PAGE_SIZE_MAX}.`);
    const additional = parseAdditionalFields(body.ReturnAdditionalFields);
    let accounts = state.accountsOf(user).filter(matches);
    const ordering = body.Ordering;
    if (ordering !== null && ordering !== undefined) {
      if (!Array.isArray(ordering) || ordering.length > 1) throw invalidRequest("Ordering may hold at most one item.");
      const order = ordering[0] as { Field?: unknown; Order?: unknown } | undefined;
      if (order) {
        const key = typeof order.Field === "string" ? ORDER_FIELDS[order.Field] : undefined;
        if (!key || (order.Order !== "Ascending" && order.Order !== "Descending"))
          throw invalidRequest("Ordering needs a Field (Id, Name, Number, LifeCycleStatus) and an Order (Ascending, Descending).");
        const sign = order.Order === "Ascending" ? 1 : -1;
        accounts = [...accounts].sort((a, b) => sign * key(a).localeCompare(key(b)));
      }
    }
    const page = accounts.slice(index * size, (index + 1) * size).map((a) => ({
      ...a,
      // Extra fields come back only when asked for.
      AccountMode: additional.has("AccountMode") ? a.AccountMode : null,
      TaxCertificate: additional.has("TaxCertificate") ? a.TaxCertificate : null,
    }));
    res.json({ Accounts: page });
  });

  return router;
}

function matcher(predicate: { Field?: unknown; Operator?: unknown; Value?: unknown }, user: AdsUser): (a: AdsAccount) => boolean {
  const value = predicate.Value;
  switch (predicate.Field) {
    case "UserId": {
      if (predicate.Operator !== "Equals" || idOf(value) === null) throw invalidRequest("The UserId predicate needs Operator Equals and a user id.");
      if (idOf(value) !== user.Id) throw new AdsFault(ADS_FAULTS[106], "AdApiFaultDetail");
      return () => true;
    }
    case "AccountId":
      if (predicate.Operator !== "Equals" || idOf(value) === null) throw invalidRequest("The AccountId predicate needs Operator Equals and an account id.");
      return (a) => a.Id === idOf(value);
    case "AccountNumber":
      if (predicate.Operator !== "Equals" || typeof value !== "string") throw invalidRequest("The AccountNumber predicate needs Operator Equals and a Number.");
      return (a) => a.Number.toLowerCase() === value.toLowerCase();
    case "AccountName":
      if (typeof value !== "string" || !["Equals", "Contains", "StartsWith"].includes(String(predicate.Operator)))
        throw invalidRequest("The AccountName predicate needs Operator Equals, Contains or StartsWith and a name.");
      return (a) => {
        const name = a.Name.toLowerCase();
        const v = value.toLowerCase();
        return predicate.Operator === "Equals" ? name === v : predicate.Operator === "Contains" ? name.includes(v) : name.startsWith(v);
      };
    default:
      throw invalidRequest("Predicate Field must be one of UserId, AccountId, AccountNumber, AccountName.");
  }
}

function parseAdditionalFields(value: unknown): Set<string> {
  if (value === null || value === undefined || value === "") return new Set();
  if (typeof value !== "string") throw invalidRequest("ReturnAdditionalFields must be a comma-separated string.");
  const fields = value
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
  for (const f of fields) if (!ADDITIONAL_FIELDS.has(f)) throw invalidRequest(`ReturnAdditionalFields: unknown field ${f}.`);
  return new Set(fields);
}
