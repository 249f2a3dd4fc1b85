import type { ConnectLabels, ShownAccount } from "./labelTypes.js";

/** An ad account as the connected state names it. */
const line = (a: ShownAccount) => [a.name, a.number].filter(Boolean).join(" · ");

/**
 * The component's English texts; spread them to change only a few.
 *
 * @example
 * ```tsx
 * import { ConnectMicrosoftAds, DEFAULT_LABELS } from "@ads-connect/widget";
 *
 * const labels = { ...DEFAULT_LABELS, connect: "Link your Microsoft Ads account" };
 * const button = <ConnectMicrosoftAds serverUrl={serverUrl} getSessionToken={getSessionToken} labels={labels} />;
 * ```
 */
export const DEFAULT_LABELS: ConnectLabels = {
  connect: "Connect Microsoft Ads",
  connecting: "Connecting…",
  openHint: "Sign in with Microsoft in the window that opened.",
  waiting: "Waiting for Microsoft sign-in to finish…",
  cancel: "Cancel",
  cancelled: "Cancelled. Nothing was connected.",
  closed: "Sign-in window closed.",
  redirecting: "Going to Microsoft sign-in…",
  retry: "Try again",
  reconnect: "Reconnect",
  connectedAs: (name) => `Connected as ${name}`,
  connectedTo: (a, more) => `Connected: ${line(a)}${more ? ` and ${more} more` : ""}`,
  changeAccounts: "Change accounts",
  expired: (name, account) => `The connection for ${name} has expired. Reconnect and sign in as ${account ?? name} to keep your ads data flowing.`,
  adminLink: "Approval link for your administrator",
  copyLink: "Copy link",
  copied: "Copied",
  errors: {},
};
