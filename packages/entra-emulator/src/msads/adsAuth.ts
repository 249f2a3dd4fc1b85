import type { Request } from "express";
import type { AdsState, AdsUser } from "./AdsState.js";
import { ADS_FAULTS, AdsFault } from "./adsFaults.js";

/** Looks up an access token the Entra emulator issued (see EntraEmulator.accessTokenInfo). */
export type AccessTokenLookup = (accessToken: string) => { username: string | null; expired: boolean } | null;

/** An account-scoped call's caller and the customer/account its headers name. */
export interface AdsAccountCall {
  user: AdsUser;
  customerId: string;
  accountId: string;
}

/** Ids may come as numbers or strings (int64s are strings on the wire). */
export const idOf = (value: unknown): string | null =>
  typeof value === "string" && /^\d+$/.test(value) ? value : typeof value === "number" && Number.isInteger(value) && value >= 0 ? String(value) : null;

/**
 * Microsoft's checks, in its order: required headers (116), injected faults, developer token and
 * access token (105, 109), the per user and customer call rate (117), then for account-scoped calls
 * whether the user reaches the customer and account the headers name (106). Every call is counted.
 */
export function adsAuthenticator(state: AdsState, lookup: AccessTokenLookup) {
  const user = (req: Request, operation: string, accountHeaders = false): AdsUser => {
    state.calls[operation] = (state.calls[operation] ?? 0) + 1;
    state.requests.push({
      operation,
      body: req.body ?? null,
      headerNames: Object.keys(req.headers).sort(),
      customerId: req.get("customerid") ?? null,
      customerAccountId: req.get("customeraccountid") ?? null,
      traceparent: req.get("traceparent") ?? null,
    });
    const authorization = req.get("authorization");
    const developerToken = req.get("developertoken");
    // The Python SDK sends the literal "None" for an unset CustomerId: tolerated where not needed.
    const missingAccount = accountHeaders && (idOf(req.get("customerid")) === null || idOf(req.get("customeraccountid")) === null);
    if (!authorization || !developerToken || missingAccount) throw new AdsFault(ADS_FAULTS[116], "AdApiFaultDetail");
    const injected = state.takeFault(operation);
    if (injected !== null) throw new AdsFault(ADS_FAULTS[injected], "AdApiFaultDetail");
    if (!state.developerTokens.includes(developerToken)) throw new AdsFault(ADS_FAULTS[105], "AdApiFaultDetail");
    const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    const info = token ? lookup(token) : null;
    if (!info || info.username === null) throw new AdsFault(ADS_FAULTS[105], "AdApiFaultDetail");
    if (info.expired) throw new AdsFault(ADS_FAULTS[109], "AdApiFaultDetail");
    const found = state.user(info.username);
    if (!found || found.rejected) throw new AdsFault(ADS_FAULTS[105], "AdApiFaultDetail");
    const customerId = idOf(req.get("customerid")) ?? found.customerId;
    if (!state.admitCall(found, customerId)) throw new AdsFault(ADS_FAULTS[117], "AdApiFaultDetail");
    return found;
  };

  const account = (req: Request, operation: string): AdsAccountCall => {
    const caller = user(req, operation, true);
    const customerId = idOf(req.get("customerid"))!;
    const accountId = idOf(req.get("customeraccountid"))!;
    if (!state.reaches(caller, customerId, accountId)) throw new AdsFault(ADS_FAULTS[106], "AdApiFaultDetail");
    return { user: caller, customerId, accountId };
  };

  return { user, account };
}
