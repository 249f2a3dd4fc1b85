import type { AdAccount, ErrorCode } from "../core/protocol.js";

/** What the connected state shows of an ad account. */
export type ShownAccount = Pick<AdAccount, "name" | "number">;

/** Every text the component shows; pass some or all to translate or reword them. */
export interface ConnectLabels {
  connect: string;
  connecting: string;
  openHint: string;
  waiting: string;
  cancel: string;
  cancelled: string;
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

export const DEFAULT_LABELS: ConnectLabels = {
  connect: "Connect Microsoft Ads",
  connecting: "Connecting…",
  openHint: "Sign in with Microsoft in the window that opened.",
  waiting: "Waiting for Microsoft sign-in to finish…",
  cancel: "Cancel",
  cancelled: "Cancelled. Nothing was connected.",
  retry: "Try again",
  reconnect: "Reconnect",
  connectedAs: (name) => `Connected as ${name}`,
  connectedTo: (a, more) => `Connected: ${[a.name, a.number].filter(Boolean).join(" · ")}${more ? ` and ${more} more` : ""}`,
  changeAccounts: "Change accounts",
  expired: (name, account) => `The connection for ${name} has expired. Reconnect and sign in as ${account ?? name} to keep your ads data flowing.`,
  adminLink: "Approval link for your administrator",
  copyLink: "Copy link",
  copied: "Copied",
  errors: {},
};
