import { CONNECT_SUCCESS, type ConnectResult } from "@ads-connect/shared";
import { escapeHtml, isolate, renderHtmlPage } from "./htmlPage.js";

/** JSON safe to place inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * The page the popup ends on. It posts the result to the one origin the attempt was started from
 * (never "*") and closes itself; without an opener (a plain link, or COOP cut it) it just says what
 * happened, and the widget learns the result by polling the session.
 */
/** A success the person should read before the popup goes away (no ad accounts): it stays open until Close. */
export interface ResultNotice {
  heading: string;
  paragraphs: string[];
  closeLabel: string;
  lang: string;
}

export function renderResultPage(result: ConnectResult, targetOrigin: string | null, cspNonce: string, notice?: ResultNotice): string {
  if (notice) return renderNoticePage(result, targetOrigin, cspNonce, notice);
  const ok = result.type === CONNECT_SUCCESS;
  // Names from Microsoft (the user's, the accounts'), each in its own <bdi>.
  const chosen =
    ok && result.accounts.length > 0
      ? `Accounts: ${result.accounts
          .map((a) => (a.number ? `${isolate(a.name ?? a.id)} (${isolate(a.number)})` : isolate(a.name ?? a.id)))
          .slice(0, 5)
          .join(", ")}${result.accounts.length > 5 ? ` and ${result.accounts.length - 5} more` : ""}.`
      : null;
  const detail = ok
    ? `Signed in as ${isolate(result.account.display_name ?? result.account.username)} (${isolate(result.account.username)}).`
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
      paragraphs: [detail, ...(chosen ? [chosen] : []), "You can close this window."],
      ...(ok ? {} : { code: result.error.code }),
      data: ok ? { result: "success" } : { result: "error", "error-code": result.error.code },
      ...(script ? { script } : {}),
    },
    cspNonce,
  );
}

/**
 * The success page that explains something first (no ad accounts yet): it tells the widget when the
 * person closes it (Close, or the window going away); the session status has the success already.
 */
function renderNoticePage(result: ConnectResult, targetOrigin: string | null, cspNonce: string, notice: ResultNotice): string {
  const script = `
(function () {
  var result = ${scriptJson(result)};
  var sent = false;
  function send() {
    if (sent) return;
    sent = true;
    ${targetOrigin ? `try { if (window.opener) window.opener.postMessage(result, ${scriptJson(targetOrigin)}); } catch (e) {}` : ""}
  }
  window.addEventListener("pagehide", send);
  document.getElementById("adsc-close").addEventListener("click", function () { send(); window.close(); });
})();
`;
  return renderHtmlPage(
    {
      heading: notice.heading,
      paragraphs: notice.paragraphs,
      data: { result: result.type === CONNECT_SUCCESS ? "success" : "error", notice: "no-accounts" },
      html: `  <p><button type="button" id="adsc-close" class="primary">${escapeHtml(notice.closeLabel)}</button></p>\n`,
      lang: notice.lang,
      script,
    },
    cspNonce,
  );
}
