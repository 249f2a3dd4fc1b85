import type { EndUserInput } from "@ads-connect/shared";
import { isolate, plainText, renderHtmlPage } from "./htmlPage.js";
import { scriptJson } from "./resultPage.js";
import { fill, type PageStrings, productName } from "./strings/pageStrings.js";

/** The message the start page and the widget exchange (the widget sends back what it received). */
export const HANDSHAKE_TYPE = "ads-connect:handshake";
/** How long the start page waits for the widget's answer before asking the person instead. */
export const HANDSHAKE_TIMEOUT_MS = 4000;

/** "Display Name (email)", else whichever the product gave, else the end user's id (control and bidi characters dropped). */
export function endUserLabel(endUser: EndUserInput): string {
  const name = endUser.display_name && plainText(endUser.display_name).trim();
  const email = endUser.email && plainText(endUser.email).trim();
  if (name && email) return `${name} (${email})`;
  return name || email || plainText(endUser.id);
}

export interface StartPageInput {
  /** PRODUCT_NAME; null: the language's "this app". */
  productName: string | null;
  /** The page's language. */
  strings: PageStrings;
  endUser: EndUserInput;
  /** The form's target: the continue URL. */
  action: string;
  proof: string;
  /** The widget's page; with `flow`, the page first tries the handshake. */
  origin: string | null;
  flow: string | null;
  /** Random per page: the widget's answer must carry it back. */
  handshakeNonce: string;
  /** A change-accounts session: Continue shows the account picker rather than Microsoft's sign-in. */
  changeAccounts?: boolean;
}

/**
 * The popup start page. Opened by the widget, it posts a handshake to its opener at the validated
 * origin and continues to Microsoft once that window (the widget's page, answering for its own
 * popup and flow) sends it back. Otherwise (a plain link, no opener, Cross-Origin-Opener-Policy cut
 * it, or no answer in time) it asks the person whom they are connecting for, with Continue and
 * Cancel. The form's one-time proof and the browser binding cookie make both paths CSRF-proof.
 */
export function renderStartPage(input: StartPageInput, cspNonce: string): string {
  // Text from the product and its end user, each in its own <bdi>.
  const t = input.strings;
  const values = { who: isolate(endUserLabel(input.endUser)), product: isolate(productName(t, input.productName)) };
  const handshake = input.origin !== null && input.flow !== null;
  const script = handshake
    ? `
(function () {
  var origin = ${scriptJson(input.origin)};
  var hello = { type: ${scriptJson(HANDSHAKE_TYPE)}, flow: ${scriptJson(input.flow)}, nonce: ${scriptJson(input.handshakeNonce)} };
  var main = document.querySelector("main");
  var form = document.getElementById("adsc-start");
  var done = false;
  function ask() { if (!done) { done = true; main.setAttribute("data-handshake", "confirm"); } }
  window.addEventListener("message", function (e) {
    var d = e.data;
    if (done || e.origin !== origin || !e.source || e.source !== window.opener) return;
    if (!d || d.type !== hello.type || d.flow !== hello.flow || d.nonce !== hello.nonce) return;
    done = true;
    main.setAttribute("data-handshake", "done");
    form.submit();
  });
  if (!window.opener) return ask();
  try { window.opener.postMessage(hello, origin); } catch (e) { return ask(); }
  setTimeout(ask, ${HANDSHAKE_TIMEOUT_MS});
})();
`
    : undefined;
  return renderHtmlPage(
    {
      heading: input.changeAccounts ? t.startHeadingChange : t.startHeading,
      paragraphs: (input.changeAccounts ? [t.startIntroChange, t.startWarningChange] : [t.startIntro, t.startWarning]).map((p) => fill(p, values, t)),
      lang: t.lang,
      dir: t.dir,
      data: { "connect-start": "confirm", ...(handshake ? { handshake: "pending" } : {}) },
      form: {
        id: "adsc-start",
        action: input.action,
        fields: { proof: input.proof },
        buttons: [
          { name: "decision", value: "continue", label: t.continue, primary: true },
          { name: "decision", value: "cancel", label: t.cancel },
        ],
      },
      ...(script ? { script } : {}),
    },
    cspNonce,
  );
}
