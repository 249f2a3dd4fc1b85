import { CONNECT_SUCCESS, type ConnectResult } from "@ads-connect/shared";
import { renderHtmlPage } from "./htmlPage.js";

/** JSON safe to place inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/**
 * The page the popup ends on. It posts the result to the one origin the attempt was started from
 * (never "*") and closes itself; without an opener (a plain link, or COOP cut it) it just says what
 * happened, and the widget learns the result by polling the session.
 */
export function renderResultPage(result: ConnectResult, targetOrigin: string | null, cspNonce: string): string {
  const ok = result.type === CONNECT_SUCCESS;
  const detail = ok
    ? `Signed in as ${result.account.display_name ?? result.account.username} (${result.account.username}).`
    : result.error.message;
  const script = targetOrigin
    ? `
(function () {
  var result = ${scriptJson(result)};
  try { if (window.opener) window.opener.postMessage(result, ${scriptJson(targetOrigin)}); } catch (e) {}
  window.close();
})();
`
    : undefined;
  return renderHtmlPage(
    {
      heading: ok ? "Microsoft Advertising connected" : "Could not connect Microsoft Advertising",
      paragraphs: [detail, "You can close this window."],
      ...(ok ? {} : { code: result.error.code }),
      data: ok ? { result: "success" } : { result: "error", "error-code": result.error.code },
      ...(script ? { script } : {}),
    },
    cspNonce,
  );
}
