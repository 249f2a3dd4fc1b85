import type { EntraEmulator } from "../types.js";
import type { AdsFaultCode } from "./adsFaults.js";
import type { AdsAccount } from "./AdsState.js";

export type { AdsAccount } from "./AdsState.js";
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
}

export interface MicrosoftAdsEmulator {
  /** Base URL without trailing slash: it stands in for every Microsoft Advertising host (MICROSOFT_ADS_API_URL). */
  url: string;
  close(): Promise<void>;
  /** Calls per operation ("User/Query", "Accounts/Search"), faults included. */
  readonly calls: Readonly<Record<string, number>>;
  /** Request bodies, oldest first. */
  readonly requests: readonly { operation: string; body: unknown }[];
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
  /** The next `times` (default 1) calls (to `operation`, default any) fail with this fault. */
  injectFault(code: AdsFaultCode, injection?: { times?: number; operation?: string }): void;
}
