import { connect } from "../core/connect.js";
import type { ConnectError, ConnectSuccess } from "../core/protocol.js";
import { resumeRedirect } from "../core/resume.js";
import type { CancelReason, ConnectEvent, ConnectFlow, ConnectOptions } from "../core/types.js";
import { BASE_LABELS } from "../react/english.js";
import type { ConnectLabels } from "../react/labelTypes.js";

const LOGO =
  '<svg width="16" height="16" viewBox="0 0 21 21" aria-hidden="true"><path fill="#f25022" d="M0 0h10v10H0z"/><path fill="#7fba00" d="M11 0h10v10H11z"/><path fill="#00a4ef" d="M0 11h10v10H0z"/><path fill="#ffb900" d="M11 11h10v10H11z"/></svg>';

/**
 * `<connect-microsoft-ads>`: the ready button as a custom element (shadow DOM, styled through the
 * CSSOM only, so a strict Content-Security-Policy needs nothing for it). It inherits the page's
 * font and text colour; `--adsc-*` custom properties and `::part(button)` / `::part(status)` style
 * the rest.
 *
 * Attributes: `server-url` (required), `mode` (`auto` | `popup` | `redirect`), `return-url`,
 * `popup-width`, `popup-height`. Properties: `sessionToken` or `getSessionToken` (the session
 * token from your backend), `labels` (texts to replace). Events (on the element, not bubbling):
 * `success` (`detail`: {@link ConnectSuccess}), `error` (`detail`: {@link ConnectError}), `close`
 * (`detail`: `{ reason }`, a {@link CancelReason}).
 *
 * @example
 * ```ts
 * import type { ConnectError } from "@ads-connect/widget/core";
 * import { ConnectMicrosoftAdsElement } from "@ads-connect/widget/element";
 *
 * const el = document.createElement("connect-microsoft-ads") as ConnectMicrosoftAdsElement;
 * el.setAttribute("server-url", "https://connect.example.com");
 * el.getSessionToken = getSessionToken;
 * // "error" is also the DOM's own event name, typed ErrorEvent: the element's carries a detail.
 * el.addEventListener("error", (e) => console.log((e as unknown as CustomEvent<ConnectError>).detail.code));
 * document.body.append(el);
 * ```
 */
export class ConnectMicrosoftAdsElement extends HTMLElement {
  // `declare`d: no class-field code in the build (ES2020 would need helpers for it).
  /** A session token your backend created; used once. */
  declare sessionToken?: string;
  /** Fetches a fresh session token from your backend at click time. */
  declare getSessionToken?: () => Promise<string>;
  /** Texts to replace (see `DEFAULT_LABELS`). */
  declare labels?: Partial<ConnectLabels>;
  declare private flow?: ConnectFlow | null;
  declare private readonly button: HTMLButtonElement;
  declare private readonly status: HTMLParagraphElement;

  constructor() {
    super();
    const root = document.createElement("div");
    const b = document.createElement("button");
    const s = document.createElement("p");
    this.button = b;
    this.status = s;
    b.type = "button";
    b.part = "button";
    s.part = "status";
    s.setAttribute("role", "status");
    // CSSOM, not style attributes: a strict CSP (no 'unsafe-inline' styles) allows it.
    root.style.cssText = "display:inline-flex;flex-direction:column;align-items:flex-start;gap:.5em";
    b.style.cssText =
      "display:inline-flex;align-items:center;gap:.6em;padding:.6em 1.1em;border:1px solid var(--adsc-border,currentColor);border-radius:var(--adsc-radius,4px);background:var(--adsc-button-bg,transparent);color:var(--adsc-button-text,inherit);font:inherit;font-weight:600;cursor:pointer";
    s.style.margin = "0";
    b.onclick = () => (this.dataset.adscState === "waiting" ? this.flow?.cancel() : this.connect());
    root.append(b, s);
    this.attachShadow({ mode: "open" }).append(root);
  }

  connectedCallback(): void {
    // Attributes only once connected: a custom element's constructor may not add any.
    if (!this.dataset.adscState) this.show("idle", "");
    const url = this.getAttribute("server-url");
    // Back from a redirect sign-in: its result, as if the popup had brought it.
    if (url)
      void resumeRedirect(url).then(
        (r) => r && this.onEvent(r.type === "ads-connect:success" ? { type: "success", result: r } : { type: "error", error: r.error }),
      );
  }

  disconnectedCallback(): void {
    this.flow?.cancel();
  }

  /** Starts connecting (call it from a click: the popup opens at once). The button does this. */
  connect(): void {
    const a = (n: string) => this.getAttribute(n) ?? undefined;
    const size = (n: string) => Number(a(n)) || undefined;
    // Unset attributes are undefined, which connect() reads as its defaults.
    const options: Record<string, unknown> = {
      serverUrl: a("server-url"),
      sessionToken: this.sessionToken,
      getSessionToken: this.getSessionToken,
      mode: a("mode"),
      returnUrl: a("return-url"),
      popupWidth: size("popup-width"),
      popupHeight: size("popup-height"),
      onEvent: (e: ConnectEvent) => this.onEvent(e),
    };
    // The token is for one flow.
    this.sessionToken = undefined;
    this.flow = connect(options as unknown as ConnectOptions);
  }

  private onEvent(e: ConnectEvent): void {
    const l = { ...BASE_LABELS, ...this.labels };
    if (e.type === "open" || e.type === "redirect") this.show("connecting", e.type === "open" ? l.openHint : l.redirecting, l.connecting, true);
    else if (e.type === "popup_closed") this.show("waiting", l.waiting, l.cancel, true);
    else this.ended(e, l);
  }

  private ended(e: Exclude<ConnectEvent, { type: "open" | "redirect" | "popup_closed" }>, l: typeof BASE_LABELS): void {
    this.flow = null;
    if (e.type === "success") {
      const [first, ...more] = e.result.accounts;
      this.show(
        "connected",
        first ? l.connectedTo(first, more.length) : l.connectedAs(e.result.account.display_name ?? e.result.account.username),
        l.reconnect,
      );
    } else if (e.type === "error") this.show("error", l.errors[e.error.code] ?? e.error.message, l.retry, false, e.error, l.adminLink);
    else this.show(e.reason === "popup_closed" ? "closed" : "idle", e.reason === "popup_closed" ? l.closed : l.cancelled, l.retry);
    this.dispatchEvent(
      new CustomEvent(e.type === "cancelled" ? "close" : e.type, {
        detail: e.type === "success" ? e.result : e.type === "error" ? e.error : { reason: e.reason },
      }),
    );
    // The popup is gone: the keyboard goes on from the button, unless the user moved on.
    const active = document.activeElement;
    if (active === document.body || active === this) this.button.focus();
  }

  private show(state: string, text: string, action = this.labels?.connect ?? BASE_LABELS.connect, busy = false, error?: ConnectError, adminLink = ""): void {
    this.dataset.adscState = state;
    if (error) this.dataset.adscErrorCode = error.code;
    else delete this.dataset.adscErrorCode;
    this.button.innerHTML = LOGO;
    this.button.append(action);
    this.button.toggleAttribute("aria-busy", busy);
    this.status.style.color = `var(--adsc-${state === "connected" ? "success" : state})`;
    // Only a change is announced: the same text again is not written again.
    if (this.status.textContent !== text) this.status.textContent = text;
    this.status.querySelector("a")?.remove();
    if (error?.admin_consent_url) {
      const link = document.createElement("a");
      link.href = error.admin_consent_url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.textContent = ` ${adminLink}`;
      link.style.color = "var(--adsc-link)";
      this.status.append(link);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "connect-microsoft-ads": ConnectMicrosoftAdsElement;
  }
}

if (!customElements.get("connect-microsoft-ads")) customElements.define("connect-microsoft-ads", ConnectMicrosoftAdsElement);
