import { randomBytes } from "node:crypto";
import type { TestUser } from "../testUsers.js";
import { type AdsCampaign, newCampaign, seedCampaigns } from "./adsCampaigns.js";
import type { AdsFaultCode } from "./adsFaults.js";
import type { AdsReportJob, LateConversion } from "./adsReportTypes.js";
import { ADS_TEST_USERS, planFor } from "./adsTestData.js";
import { dayStart, isKnownTimeZone, KNOWN_TIME_ZONES } from "./adsTimeZones.js";

/** An account as Customer Management v13 REST serializes `AdvertiserAccount` (int64 ids as strings, absent as null). */
export interface AdsAccount {
  BillToCustomerId: string | null;
  CurrencyCode: string;
  AccountFinancialStatus: string;
  Id: string;
  Language: string;
  LastModifiedByUserId: string | null;
  LastModifiedTime: string;
  Name: string;
  Number: string;
  ParentCustomerId: string;
  PaymentMethodId: string | null;
  PaymentMethodType: string | null;
  PrimaryUserId: string | null;
  AccountLifeCycleStatus: string;
  TimeStamp: string;
  TimeZone: string;
  PauseReason: number | null;
  ForwardCompatibilityMap: unknown[];
  LinkedAgencies: unknown[];
  SalesHouseCustomerId: string | null;
  TaxInformation: unknown[] | null;
  BackUpPaymentInstrumentId: string | null;
  BillingThresholdAmount: number | null;
  BusinessAddress: unknown | null;
  AutoTagType: string | null;
  SoldToPaymentInstrumentId: string | null;
  TaxCertificate: unknown | null;
  AccountMode: string | null;
}

export interface AdsUser {
  username: string;
  Id: string;
  FirstName: string;
  LastName: string;
  /** The customer the user was created under (`User.CustomerId`). */
  customerId: string;
  customers: { id: string; name: string; accountIds: string[] }[];
  rejected: boolean;
  lastModifiedTime: string;
  timeStamp: string;
}

export interface AdsRequestRecord {
  operation: string;
  body: unknown;
  /** Lower-case names of the headers sent, sorted; their values are not kept. */
  headerNames: string[];
  customerId: string | null;
  customerAccountId: string | null;
  /** The W3C `traceparent` header the caller sent (trace and span ids only, no secret), or null. */
  traceparent: string | null;
}

export interface AdsFaultInjection {
  code: AdsFaultCode;
  /** Only calls to this operation (e.g. "Accounts/Search"); default any. */
  operation?: string;
  remaining: number;
  /** Matching calls to let through before the fault starts (a fault in the middle of a run). */
  skip?: number;
}

/** Microsoft's `LastModifiedTime`: no time zone, 1–7 fraction digits. */
export function msTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .slice(0, 23)
    .replace(/\.?0+$/, "");
}

/** Reports count an account's days in its time zone: the emulator must know it. */
function checkTimeZone(name: string): void {
  if (!isKnownTimeZone(name)) throw new Error(`The emulator knows no time zone ${name}; it knows ${KNOWN_TIME_ZONES.join(", ")}`);
}

const timeStamp = () => randomBytes(8).toString("base64");

/** Everything the Microsoft Advertising emulator remembers, in memory only. */
export class AdsState {
  readonly users = new Map<string, AdsUser>();
  readonly accounts = new Map<string, AdsAccount>();
  readonly faults: AdsFaultInjection[] = [];
  /** The next this many answers are cut mid-body (see injectReset). */
  resetsPending = 0;
  readonly calls: Record<string, number> = {};
  /** Every call, oldest first: body, header names (no values: they hold tokens) and the customer/account headers. */
  readonly requests: AdsRequestRecord[] = [];
  /** Each account's campaigns, seeded on first use (ids and names derive from the account). */
  private readonly campaignsByAccount = new Map<string, AdsCampaign[]>();
  private readonly campaignAccount = new Map<string, string>();
  /** Campaigns per account of accounts whose user's plan asks for many (by account id). */
  private readonly campaignCounts = new Map<string, number>();
  /** Conversions that arrived late for a campaign (by campaign id), at an instant: added to the report numbers of the day it falls on in the account's time zone. */
  readonly lateConversions = new Map<string, LateConversion[]>();
  /** Report jobs by ReportRequestId. */
  readonly reports = new Map<string, AdsReportJob>();
  /** Polls that answer Pending before a report is ready. */
  reportPollsBeforeReady = 1;
  /** Report jobs still to end in Status "Error". */
  failingReports = 0;
  /** 117 after this many calls per window per user and customer; null: no throttling. */
  throttleLimit: number | null = null;
  throttleWindowMs = 60_000;
  private readonly callTimes = new Map<string, number[]>();
  private nextAccount = 0;
  private nextCustomer = 0;
  private nextReport = 0;

  constructor(
    readonly developerTokens: readonly string[],
    readonly log: (line: string) => void,
    users: readonly TestUser[] = ADS_TEST_USERS,
  ) {
    users.forEach((user, index) => {
      const plan = planFor(user);
      const id = String(100_000_001 + index);
      const [first = user.displayName, ...rest] = user.displayName.split(" ");
      const customers = plan.customers.map((c) => ({ id: this.newCustomerId(), name: c.name, accountIds: [] as string[] }));
      const adsUser: AdsUser = {
        username: user.username,
        Id: id,
        FirstName: first,
        LastName: rest.join(" "),
        customerId: customers[0]!.id,
        customers,
        rejected: plan.rejected ?? false,
        lastModifiedTime: msTime(Date.UTC(2025, 1, 20, 5, 26, 37, 200)),
        timeStamp: timeStamp(),
      };
      this.users.set(user.username.toLowerCase(), adsUser);
      plan.customers.forEach((c, i) => {
        for (const name of c.accounts) {
          const account = this.addAccount(adsUser, customers[i]!.id, { Name: name });
          if (plan.campaignsPerAccount !== undefined) this.campaignCounts.set(account.Id, plan.campaignsPerAccount);
        }
      });
    });
  }

  private newCustomerId(): string {
    return String(250_000_000 + ++this.nextCustomer);
  }

  user(username: string): AdsUser | undefined {
    return this.users.get(username.toLowerCase());
  }

  /** Adds an account the user can reach, after their others (Microsoft's order), under `customerId` (default their first customer). */
  addAccount(user: AdsUser, customerId: string | undefined, fields: Partial<AdsAccount> = {}): AdsAccount {
    const n = this.nextAccount++;
    const customer = user.customers.find((c) => c.id === (customerId ?? user.customerId));
    if (!customer) throw new Error(`The user has no customer ${customerId}`);
    const account: AdsAccount = {
      BillToCustomerId: customer.id,
      CurrencyCode: "USD",
      AccountFinancialStatus: "ClearFinancialStatus",
      Id: String(180_278_106 + n),
      Language: "English",
      LastModifiedByUserId: user.Id,
      LastModifiedTime: msTime(Date.now()),
      Name: `Account ${n + 1}`,
      // Adele's first account is the "F12A34BC" of MSADS.md; the rest count up from there.
      Number: `F${(0x12a34bc + n).toString(16).toUpperCase()}`,
      ParentCustomerId: customer.id,
      PaymentMethodId: null,
      PaymentMethodType: null,
      PrimaryUserId: user.Id,
      AccountLifeCycleStatus: "Active",
      TimeStamp: timeStamp(),
      TimeZone: "PacificTimeUSCanadaTijuana",
      PauseReason: null,
      ForwardCompatibilityMap: [],
      LinkedAgencies: [],
      SalesHouseCustomerId: null,
      TaxInformation: null,
      BackUpPaymentInstrumentId: null,
      BillingThresholdAmount: null,
      BusinessAddress: null,
      AutoTagType: "Inactive",
      SoldToPaymentInstrumentId: null,
      TaxCertificate: null,
      AccountMode: "Expert",
      ...fields,
    };
    checkTimeZone(account.TimeZone);
    this.accounts.set(account.Id, account);
    customer.accountIds.push(account.Id);
    return account;
  }

  /** The user's accounts across all their customers, in Microsoft's order. */
  accountsOf(user: AdsUser): AdsAccount[] {
    return user.customers.flatMap((c) => c.accountIds.map((id) => this.accounts.get(id)!));
  }

  updateAccount(accountId: string, fields: Partial<AdsAccount>): AdsAccount {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`No account ${accountId}`);
    if (fields.TimeZone !== undefined) checkTimeZone(fields.TimeZone);
    Object.assign(account, fields, { LastModifiedTime: msTime(Date.now()), TimeStamp: timeStamp() });
    return account;
  }

  /** The user loses access to the account (it no longer shows in their searches). */
  removeAccess(user: AdsUser, accountId: string): void {
    for (const c of user.customers) c.accountIds = c.accountIds.filter((id) => id !== accountId);
  }

  /** Whether the user reaches the account under that customer (the `CustomerId`/`CustomerAccountId` headers). */
  reaches(user: AdsUser, customerId: string, accountId: string): boolean {
    return user.customers.some((c) => c.id === customerId && c.accountIds.includes(accountId));
  }

  /** The account's campaigns in creation order (the live objects). */
  campaignsOf(accountId: string): AdsCampaign[] {
    let campaigns = this.campaignsByAccount.get(accountId);
    if (!campaigns) {
      const account = this.accounts.get(accountId);
      if (!account) throw new Error(`No account ${accountId}`);
      campaigns = seedCampaigns(account.Id, account.Name, account.TimeZone, this.campaignCounts.get(accountId));
      this.campaignsByAccount.set(accountId, campaigns);
      for (const c of campaigns) this.campaignAccount.set(c.Id, accountId);
    }
    return campaigns;
  }

  addCampaign(accountId: string, fields: Partial<AdsCampaign> = {}): AdsCampaign {
    const campaigns = this.campaignsOf(accountId);
    const last = campaigns.reduce((max, c) => (BigInt(c.Id) > max ? BigInt(c.Id) : max), 0n);
    const id = String(last + 1n);
    const campaign = newCampaign(id, { Name: `Campaign ${campaigns.length + 1}`, ...fields, Id: id }, this.accounts.get(accountId)!.TimeZone);
    campaigns.push(campaign);
    this.campaignAccount.set(id, accountId);
    return campaign;
  }

  /** The campaign with this id in this account, if any. */
  campaign(accountId: string, campaignId: string): AdsCampaign | undefined {
    return this.campaignsOf(accountId).find((c) => c.Id === campaignId);
  }

  /** The campaign with this id in any account (seeding the account its id derives from). */
  campaignById(campaignId: string): AdsCampaign | undefined {
    let accountId = this.campaignAccount.get(campaignId);
    if (!accountId && /^\d+$/.test(campaignId)) {
      const derived = String(180_278_106n + (BigInt(campaignId) - 400_000_000_000n) / 1_000_000n);
      if (this.accounts.has(derived)) accountId = derived;
    }
    return accountId ? this.campaign(accountId, campaignId) : undefined;
  }

  /** Conversions (and their revenue) that arrive late for a campaign's past day (`YYYY-MM-DD`, the account's day): later reports show the day revised. */
  addLateConversions(campaignId: string, day: string, conversions: number): void {
    // Noon of that day in the account's time zone: on that day whatever the zone.
    this.addConversionsAt(campaignId, dayStart(day, this.timeZoneOfCampaign(campaignId)) + 12 * 3_600_000, conversions);
  }

  /** Conversions that happened at an instant (ms): reports count them on the day it falls on in the account's time zone. */
  addConversionsAt(campaignId: string, at: number, conversions: number): void {
    const list = this.lateConversions.get(campaignId) ?? [];
    list.push({ at, conversions });
    this.lateConversions.set(campaignId, list);
  }

  private timeZoneOfCampaign(campaignId: string): string {
    if (!this.campaignById(campaignId)) throw new Error(`No campaign ${campaignId}`);
    return this.accounts.get(this.campaignAccount.get(campaignId)!)!.TimeZone;
  }

  /** Counts a call against the user and customer's window; false when over the limit (117). */
  admitCall(user: AdsUser, customerId: string, now = Date.now()): boolean {
    if (this.throttleLimit === null) return true;
    const key = `${user.Id}:${customerId}`;
    const times = (this.callTimes.get(key) ?? []).filter((t) => t > now - this.throttleWindowMs);
    if (times.length >= this.throttleLimit) {
      this.callTimes.set(key, times);
      return false;
    }
    times.push(now);
    this.callTimes.set(key, times);
    return true;
  }

  /** Sets or lifts throttling; the calls counted so far are forgotten. */
  throttle(limit: number | null, windowMs = 60_000): void {
    this.throttleLimit = limit;
    this.throttleWindowMs = windowMs;
    this.callTimes.clear();
  }

  newReportId(): string {
    // Microsoft's report request ids are long digit strings.
    return `30000000${String(++this.nextReport).padStart(9, "0")}`;
  }

  /** The first injected fault that applies to this call, used up by one. */
  takeFault(operation: string): AdsFaultCode | null {
    const index = this.faults.findIndex((f) => f.remaining > 0 && (f.operation === undefined || f.operation === operation));
    if (index === -1) return null;
    const fault = this.faults[index]!;
    if (fault.skip) {
      fault.skip--;
      return null;
    }
    if (--fault.remaining === 0) this.faults.splice(index, 1);
    return fault.code;
  }
}
