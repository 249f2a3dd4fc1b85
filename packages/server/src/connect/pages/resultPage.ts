import { CONNECT_SUCCESS, type ConnectResult } from "@ads-connect/shared";
import { escapeHtml, isolate, renderHtmlPage } from "./htmlPage.js";
import { errorText, fill, fillPlural, type PageStrings, productName } from "./strings/pageStrings.js";

/** JSON safe to place inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** A success the person should read before the popup goes away (no ad accounts): it stays open until Close. */
export interface ResultNotice {
  kind: "no_accounts" | "accounts_unavailable";
  /** The signed-in Microsoft user. */
  user: string;
  /** PRODUCT_NAME; null: the language's "this app". */
  productName: string | null;
}

/**
 * The result as this page tells it: a failure's message in the page's language (the server's own
 * English one, which is more specific, when the table has none and the page is in English).
 */
export function localizedResult(result: ConnectResult, t: PageStrings): ConnectResult {
  if (result.type === CONNECT_SUCCESS) return result;
  const own = t.errors[result.error.code];
  const message = own ?? (t.lang.startsWith("en") ? result.error.message : errorText(t, result.error.code));
  return { ...result, error: { ...result.error, message } };
}

/**
 * The page the popup ends on, in the table's language (a failure's message as given: see
 * localizedResult). It posts the result to the one origin the
 * attempt was started from (never "*") and closes itself; without an opener (a plain link, or COOP
 * cut it) it just says what happened, and the widget learns the result by polling the session.
 */
export function renderResultPage(result: ConnectResult, targetOrigin: string | null, cspNonce: string, t: PageStrings, notice?: ResultNotice): string {
  if (notice) return renderNoticePage(result, targetOrigin, cspNonce, t, notice);
  const ok = result.type === CONNECT_SUCCESS;
  // Names from Microsoft (the user's, the accounts'), each in its own <bdi>.
  const SHOWN = 5;
  const list =
    ok && result.accounts.length > 0
      ? result.accounts
          .slice(0, SHOWN)
          .map((a) => (a.number ? `${isolate(a.name ?? a.id)} (${isolate(a.number)})` : isolate(a.name ?? a.id)))
          .join(t.lang === "ja" ? "、" : t.lang === "ar" ? "، " : ", ")
      : null;
  const more = ok ? result.accounts.length - SHOWN : 0;
  const chosen = list === null ? null : more > 0 ? fillPlural(t, t.accountsMore, more, { list, more }) : fill(t.accounts, { list }, t);
  const detail = ok
    ? fill(t.signedInAs, { name: isolate(result.account.display_name ?? result.account.username), username: isolate(result.account.username) }, t)
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
      heading: ok ? t.connectedHeading : t.failedHeading,
      paragraphs: [detail, ...(chosen ? [chosen] : []), t.closeWindow],
      ...(ok ? {} : { code: result.error.code }),
      data: ok ? { result: "success" } : { result: "error", "error-code": result.error.code },
      lang: t.lang,
      dir: t.dir,
      ...(script ? { script } : {}),
    },
    cspNonce,
  );
}

/**
 * The success page that explains something first (no ad accounts yet): it tells the widget when the
 * person closes it (Close, or the window going away); the session status has the success already.
 */
function renderNoticePage(result: ConnectResult, targetOrigin: string | null, cspNonce: string, t: PageStrings, notice: ResultNotice): string {
  const values = { user: isolate(notice.user), product: isolate(productName(t, notice.productName)) };
  const [heading, paragraphs] =
    notice.kind === "accounts_unavailable"
      ? [t.accountsUnavailableHeading, [t.accountsUnavailableBody]]
      : [t.noAccountsHeading, [t.noAccountsBody, t.noAccountsNext]];
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
      heading,
      paragraphs: paragraphs.map((p) => fill(p, values, t)),
      data: { result: result.type === CONNECT_SUCCESS ? "success" : "error", notice: "no-accounts" },
      html: `  <p><button type="button" id="adsc-close" class="primary">${escapeHtml(t.close)}</button></p>\n`,
      lang: t.lang,
      dir: t.dir,
      script,
    },
    cspNonce,
  );
}
