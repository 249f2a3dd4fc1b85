import type { AdAccount, ErrorCode } from "../core/protocol.js";

/**
 * What the connected state shows of an ad account.
 *
 * @example
 * ```tsx
 * import { ConnectMicrosoftAds, type ShownAccount } from "@ads-connect/widget";
 *
 * const accounts: ShownAccount[] = [{ name: "Contoso Search", number: "F12A34BC" }];
 * const button = <ConnectMicrosoftAds serverUrl={serverUrl} getSessionToken={getSessionToken} connected={{ displayName: "Ada", status: "connected", accounts }} />;
 * ```
 */
export type ShownAccount = Pick<AdAccount, "name" | "number">;

/**
 * Every text the component shows; pass some or all to translate or reword them.
 *
 * @example
 * ```tsx
 * import { ConnectMicrosoftAds, type ConnectLabels } from "@ads-connect/widget";
 *
 * const german: Partial<ConnectLabels> = {
 *   connect: "Microsoft Ads verbinden",
 *   connectedAs: (name) => `Verbunden als ${name}`,
 *   errors: { consent_declined: "Sie haben die Berechtigungen abgelehnt." },
 * };
 * const button = <ConnectMicrosoftAds serverUrl={serverUrl} getSessionToken={getSessionToken} labels={german} />;
 * ```
 */
export interface ConnectLabels {
  connect: string;
  connecting: string;
  openHint: string;
  waiting: string;
  cancel: string;
  cancelled: string;
  /** The sign-in window was closed before a result; the button then reads `retry`. */
  closed: string;
  /** No popup: the page is going to Microsoft's sign-in (redirect mode). */
  redirecting: string;
  retry: string;
  reconnect: string;
  /** Connected without a Microsoft Advertising account chosen (the user has none yet). */
  connectedAs: (name: string) => string;
  /** Connected with chosen ad accounts: the first one, and how many more. */
  connectedTo: (account: ShownAccount, more: number) => string;
  /** The action that reopens only the account picker (with `getChangeAccountsToken`). */
  changeAccounts: string;
  /** `account` is the Microsoft sign-in name to use, when known. */
  expired: (name: string, account?: string) => string;
  /** The admin-consent link's text, shown when the user's organization must approve the app first. */
  adminLink: string;
  copyLink: string;
  copied: string;
  /** Replaces the server's English message for an error code. */
  errors: Partial<Record<ErrorCode, string>>;
}
