import type { ConnectLabels, ShownAccount } from "./labelTypes.js";

/** An ad account as the connected state names it. */
const line = (a: ShownAccount) => [a.name, a.number].filter(Boolean).join(" · ");

/** The English texts `<connect-microsoft-ads>` shows too (it needs none of the React component's extras). */
export const BASE_LABELS: Omit<ConnectLabels, "changeAccounts" | "expired" | "copyLink" | "copied"> = {
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
  adminLink: "Approval link for your administrator",
  errors: {},
};
