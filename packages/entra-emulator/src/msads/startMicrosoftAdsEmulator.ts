import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { EntraEmulator } from "../types.js";
import { type AdsAccount, AdsState } from "./AdsState.js";
import { ADS_FAULTS } from "./adsFaults.js";
import { createMicrosoftAdsApp } from "./createMicrosoftAdsApp.js";
import type { MicrosoftAdsEmulator, MicrosoftAdsEmulatorOptions } from "./types.js";

/** Microsoft's universal developer token for the sandbox; the emulator accepts it by default. */
export const SANDBOX_DEVELOPER_TOKEN = "BBD37VB98";

/**
 * Starts the Microsoft Advertising API emulator on its own HTTP server. It accepts only access
 * tokens the given Entra emulator issued (the two share that emulator's memory: tokens are opaque,
 * as Microsoft's are to third parties), so start both in the same process.
 */
export async function startMicrosoftAdsEmulator(options: MicrosoftAdsEmulatorOptions): Promise<MicrosoftAdsEmulator> {
  const state = new AdsState(options.developerTokens ?? [SANDBOX_DEVELOPER_TOKEN], options.logger ?? (() => {}));
  if (options.reportPollsBeforeReady !== undefined) state.reportPollsBeforeReady = checkCount(options.reportPollsBeforeReady, "reportPollsBeforeReady");
  if (options.throttle !== undefined) state.throttle(checkCount(options.throttle, "throttle"));
  const entra: Pick<EntraEmulator, "accessTokenInfo"> = options.entra;
  const server = createServer(createMicrosoftAdsApp(state, (token) => entra.accessTokenInfo(token)));
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host === "0.0.0.0" || host === "" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host}:${port}`;
  state.log(`Microsoft Advertising emulator listening at ${url}`);

  const userOf = (username: string) => {
    const user = state.user(username);
    if (!user) throw new Error(`No Microsoft Advertising test user ${username}`);
    return user;
  };
  const campaignsOf = (accountId: string) => {
    if (!state.accounts.has(accountId)) throw new Error(`No account ${accountId}`);
    return state.campaignsOf(accountId);
  };
  let closing: Promise<void> | null = null;
  return {
    url,
    calls: state.calls,
    requests: state.requests,
    callCount: (operation) => (operation ? (state.calls[operation] ?? 0) : Object.values(state.calls).reduce((a, b) => a + b, 0)),
    userId: (username) => userOf(username).Id,
    customers: (username) => userOf(username).customers.map((c) => ({ id: c.id, name: c.name })),
    accounts: (username) => state.accountsOf(userOf(username)).map((a) => ({ ...a })),
    addAccount(username, fields = {}) {
      const { customerId, ...rest } = fields as Partial<AdsAccount> & { customerId?: string };
      return { ...state.addAccount(userOf(username), customerId, rest) };
    },
    renameAccount: (accountId, name) => ({ ...state.updateAccount(accountId, { Name: name }) }),
    setAccountStatus: (accountId, status) => ({ ...state.updateAccount(accountId, { AccountLifeCycleStatus: status }) }),
    updateAccount: (accountId, fields) => ({ ...state.updateAccount(accountId, fields) }),
    removeAccess: (username, accountId) => state.removeAccess(userOf(username), accountId),
    campaigns: (accountId) => campaignsOf(accountId).map((c) => ({ ...c })),
    addCampaign: (accountId, fields = {}) => {
      campaignsOf(accountId);
      return { ...state.addCampaign(accountId, fields) };
    },
    setCampaignStatus(campaignId, status) {
      const campaign = state.campaignById(campaignId);
      if (!campaign) throw new Error(`No campaign ${campaignId}`);
      campaign.Status = status;
      return { ...campaign };
    },
    updateCampaign(campaignId, fields) {
      const campaign = state.campaignById(campaignId);
      if (!campaign) throw new Error(`No campaign ${campaignId}`);
      Object.assign(campaign, fields, { Id: campaign.Id });
      return { ...campaign };
    },
    addLateConversions(campaignId, day, conversions) {
      if (!state.campaignById(campaignId)) throw new Error(`No campaign ${campaignId}`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error("day must be YYYY-MM-DD");
      state.addLateConversions(campaignId, day, checkCount(conversions, "conversions"));
    },
    addConversionsAt(campaignId, at, conversions) {
      if (!state.campaignById(campaignId)) throw new Error(`No campaign ${campaignId}`);
      const ms = Date.parse(at);
      if (!/(Z|[+-]\d\d:\d\d)$/.test(at) || Number.isNaN(ms)) throw new Error("at must be an ISO 8601 instant with its offset, e.g. 2026-10-02T03:00:00Z");
      state.addConversionsAt(campaignId, ms, checkCount(conversions, "conversions"));
    },
    reportPollsBeforeReady(polls) {
      state.reportPollsBeforeReady = checkCount(polls, "reportPollsBeforeReady");
    },
    failNextReports(times = 1) {
      state.failingReports = checkCount(times, "times");
    },
    throttle(limit, throttleOptions = {}) {
      state.throttle(limit === null ? null : checkCount(limit, "limit"), throttleOptions.windowMs ?? 60_000);
    },
    injectReset(times = 1) {
      state.resetsPending += checkCount(times, "times");
    },
    injectFault(code, injection = {}) {
      if (!(code in ADS_FAULTS)) throw new Error(`Unknown fault code ${code}`);
      state.faults.push({
        code,
        remaining: injection.times ?? 1,
        ...(injection.operation ? { operation: injection.operation } : {}),
        ...(injection.after ? { skip: checkCount(injection.after, "after") } : {}),
      });
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function checkCount(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number of 0 or more`);
  return value;
}
