import type { EntraEmulator } from "../types.js";
import type { AdsAccount, AdsRequestRecord } from "./AdsState.js";
import type { AdsCampaign } from "./adsCampaigns.js";
import type { AdsFaultCode } from "./adsFaults.js";

export type { AdsAccount, AdsRequestRecord } from "./AdsState.js";
export type { AdsCampaign } from "./adsCampaigns.js";
export type { AdsFaultCode } from "./adsFaults.js";

export interface MicrosoftAdsEmulatorOptions {
  /** The Entra emulator whose access tokens this one accepts (same process). */
  entra: Pick<EntraEmulator, "accessTokenInfo">;
  /** Default 0 (a random free port). */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Developer tokens accepted in the `DeveloperToken` header. Default: the sandbox's universal token. */
  developerTokens?: string[];
  /** One line per notable event; never tokens. */
  logger?: (line: string) => void;
  /** PollGenerateReport answers Pending this many times before Success. Default 1. */
  reportPollsBeforeReady?: number;
  /** 117 CallRateExceeded after this many calls per 60 s per user and customer. Default: no throttling. */
  throttle?: number;
}

export interface MicrosoftAdsEmulator {
  /** Base URL without trailing slash: it stands in for every Microsoft Advertising host (MICROSOFT_ADS_API_URL). */
  url: string;
  close(): Promise<void>;
  /**
   * Calls per operation, faults included: "User/Query", "Accounts/Search",
   * "Campaigns/QueryByAccountId", "Campaigns/Update", "GenerateReport/Submit", "GenerateReport/Poll",
   * "ReportDownload".
   */
  readonly calls: Readonly<Record<string, number>>;
  /** Every API call, oldest first: body, sorted lower-case header names (values not kept), CustomerId and CustomerAccountId. */
  readonly requests: readonly AdsRequestRecord[];
  /** Calls to one operation, or to all. */
  callCount(operation?: string): number;
  /** The test user's Microsoft Advertising user id. */
  userId(username: string): string;
  customers(username: string): { id: string; name: string }[];
  /** The accounts the user reaches, in Microsoft's order (copies). */
  accounts(username: string): AdsAccount[];
  /** A new account after the user's others (under `customerId`, default their first customer). */
  addAccount(username: string, fields?: Partial<AdsAccount> & { customerId?: string }): AdsAccount;
  renameAccount(accountId: string, name: string): AdsAccount;
  /** `AccountLifeCycleStatus`, e.g. "Inactive" for a closed account, "Pause". */
  setAccountStatus(accountId: string, status: string): AdsAccount;
  updateAccount(accountId: string, fields: Partial<AdsAccount>): AdsAccount;
  /** The user loses access: the account no longer shows in their searches. */
  removeAccess(username: string, accountId: string): void;
  /** The account's campaigns in Microsoft's order (copies): three seeded (Brand, Generic paused, Products shopping), then added ones. */
  campaigns(accountId: string): AdsCampaign[];
  /** A new campaign after the account's others (default Active Search "Campaign N"). */
  addCampaign(accountId: string, fields?: Partial<AdsCampaign>): AdsCampaign;
  /** Sets a campaign's `Status` ("Active", "Paused", "BudgetPaused", "Deleted", …) as a later query shows it. */
  setCampaignStatus(campaignId: string, status: string): AdsCampaign;
  /** Changes a campaign's fields (a rename: `{ Name }`) as a later query shows it. */
  updateCampaign(campaignId: string, fields: Partial<AdsCampaign>): AdsCampaign;
  /**
   * `conversions` more conversions (each 50.00 of revenue) attributed to the campaign's past `day`
   * (`YYYY-MM-DD`, a day of the account's time zone): later reports show that day revised, as
   * Microsoft's do when conversions come late.
   */
  addLateConversions(campaignId: string, day: string, conversions: number): void;
  /**
   * `conversions` more conversions (each 50.00 of revenue) at the instant `at` (ISO 8601 with its
   * offset, e.g. "2026-10-02T03:00:00Z"): reports count them on the day that instant falls on in the
   * account's `TimeZone` (the 1st for Pacific time), as Microsoft counts a report's days.
   */
  addConversionsAt(campaignId: string, at: string, conversions: number): void;
  /** PollGenerateReport answers Pending `polls` times per report before Success (reports submitted earlier too). */
  reportPollsBeforeReady(polls: number): void;
  /** The next `times` (default 1) reports submitted end in Status "Error". */
  failNextReports(times?: number): void;
  /**
   * 117 CallRateExceeded once a user has made `limit` calls for one customer inside the window
   * (sliding, default 60 s; a shorter one lets tests see it pass); null lifts it. Counting restarts.
   */
  throttle(limit: number | null, options?: { windowMs?: number }): void;
  /** The next `times` (default 1) answers (any operation) are cut mid-body: headers and half the body, then the connection drops. */
  injectReset(times?: number): void;
  /** The next `times` (default 1) calls (to `operation`, default any) fail with this fault, after `after` (default 0) such calls went through. */
  injectFault(code: AdsFaultCode, injection?: { times?: number; operation?: string; after?: number }): void;
}
