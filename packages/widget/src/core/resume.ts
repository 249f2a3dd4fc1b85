import type { ConnectResult } from "./protocol.js";

/** The query parameter the server adds to the return URL: a one-time token for the result. */
const RESULT_PARAM = "adsc_result";

/**
 * Redirect mode's way back (like MSAL's `handleRedirectPromise`): when this page is the return of a
 * redirect sign-in, takes the one-time result token out of the URL, redeems it at the server and
 * resolves to the result; otherwise to null. The React button and `<connect-microsoft-ads>` call it
 * when they mount; with `connect()` alone, call it on page load.
 *
 * @example
 * ```ts
 * import { resumeRedirect } from "@ads-connect/widget/core";
 *
 * const result = await resumeRedirect("https://connect.example.com");
 * if (result?.type === "ads-connect:success") console.log("connected", result.connection_id);
 * ```
 */
export function resumeRedirect(serverUrl: string): Promise<ConnectResult | null> {
  const url = new URL(window.location.href);
  const token = url.searchParams.get(RESULT_PARAM);
  if (!token) return Promise.resolve(null);
  // Taken out at once: a second widget on the page, or a reload, does not redeem it again.
  url.searchParams.delete(RESULT_PARAM);
  window.history.replaceState(window.history.state, "", url);
  return import("./redirect.js").then((m) => m.redeem(serverUrl, token));
}
