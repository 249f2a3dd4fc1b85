import type { ConnectResult } from "./protocol.js";
import type { CancelReason, ConnectError, ConnectEvent, ConnectFlow, ConnectOptions, SessionStatusData } from "./types.js";

let active: ConnectFlow | null = null;
/** Stops the last flow's watch for a late success (see `end`), when a new flow starts. */
let stopLate = () => {};

const localError = (code: ConnectError["code"], message: string): ConnectResult => ({
  type: "ads-connect:error",
  error: { code, message, actor: "end_user", aadsts: null },
});

/** 128 random bits, as the server's `flow` pattern allows (digits and `-`). */
const randomId = () => crypto.getRandomValues(new Uint32Array(4)).join("-");

/**
 * Opens the Microsoft sign-in popup and reports the outcome through `onEvent`. Call it directly in
 * a click handler: the popup opens synchronously, so popup blockers allow it. While a flow runs, a
 * second call focuses its popup and returns the same flow. When the popup cannot open (or with
 * `mode: "redirect"`) the page itself goes to Microsoft and comes back; see {@link resumeRedirect}.
 *
 * @example
 * ```ts
 * import { connect } from "@ads-connect/widget/core";
 *
 * document.querySelector("#connect")?.addEventListener("click", () => {
 *   connect({
 *     serverUrl: "https://connect.example.com",
 *     getSessionToken: () => fetch("/api/connect-session", { method: "POST" }).then((r) => r.json()).then((b: { token: string }) => b.token),
 *     onEvent: (event) => console.log(event.type),
 *   });
 * });
 * ```
 */
export function connect(options: ConnectOptions): ConnectFlow {
  if (active) {
    active.focus();
    return active;
  }
  stopLate();
  const { serverUrl, onEvent, mode = "auto" } = options;
  const base = serverUrl.replace(/\/+$/, "");
  const serverOrigin = new URL(base).origin;
  const id = randomId();
  const abort = new AbortController();
  // Loaded now, while the popup opens and the user signs in: see `started.ts`. Its failure is
  // handled where it is used (not an unhandled rejection when it is not).
  const started = import("./started.js");
  started.catch(() => {});
  let token = options.sessionToken ?? null;
  let settled = false;
  // After "popup_closed" the popup may still live (COOP cut it off while the user was away):
  // its success, arriving later, is still taken, once.
  let late = false;
  let watch: ReturnType<typeof setInterval> | undefined;
  // The closed-popup watch's status handler, once loaded (see `closed.ts`).
  let receive: ((s: SessionStatusData) => void) | undefined;

  const startUrl = (t: string) =>
    `${base}/oauth/connect/microsoft-ads?${new URLSearchParams({ connect_session_token: t, origin: window.location.origin, flow: id })}`;

  const stop = () => {
    late = false;
    window.removeEventListener("message", onMessage);
    clearInterval(watch);
    // Also ends the closed-popup watch (its timers, its focus listener, its request).
    abort.abort();
  };
  const end = (event: ConnectEvent, keepWatching = false) => {
    if (settled) {
      // The late watch ends with anything; only a success is still news.
      if (late) {
        stop();
        if (event.type === "success") onEvent?.(event);
      }
      return;
    }
    settled = true;
    // Only the running flow gets here: while one runs, connect() returns it instead of starting another.
    active = null;
    if (keepWatching) {
      late = true;
      stopLate = stop;
    } else {
      stop();
      // No try: close() and focus() are allowed on a cross-origin popup, and are no-ops on one cut off by COOP.
      popup?.close();
    }
    onEvent?.(event);
  };
  const finish = (result: ConnectResult) => end(result.type === "ads-connect:success" ? { type: "success", result } : { type: "error", error: result.error });
  const cancel = (reason: CancelReason) => end({ type: "cancelled", reason });
  const noToken = () => finish(localError("session_token_unavailable", "Could not start connecting. Try again."));

  function onMessage(event: MessageEvent) {
    if (event.origin !== serverOrigin || event.source !== popup || !popup) return;
    const data = event.data as { type?: unknown; flow?: unknown } | null;
    // The start page asks whether this page opened it for this flow: say so, to it only.
    if (data?.type === "ads-connect:handshake" && data.flow === id) popup.postMessage(data, serverOrigin);
    // The check could not load (a host's deploy mid-flow): the session's status brings the result instead.
    else void started.then((m) => m.isConnectResult(data) && finish(data), onLooksClosed);
  }

  const onLooksClosed = () => {
    clearInterval(watch);
    // Closed before we ever sent it to the server: that is the user, not COOP.
    if (!token) return cancel("popup_closed");
    onEvent?.({ type: "popup_closed" });
    void import("./closed.js").then((m) => {
      receive = m.watchClosed(options, base, id, token, abort.signal, end, finish, cancel);
    }, noToken);
  };

  const flow: ConnectFlow = {
    id,
    signal: abort.signal,
    get sessionToken() {
      return token;
    },
    // After "popup_closed" this only stops the late watch (`end` reports nothing more then).
    cancel: () => cancel("user"),
    focus: () => popup?.focus(),
    receiveStatus: (s) => receive?.(s),
  };

  const { popupWidth: w = 500, popupHeight: h = 700 } = options;
  // Centred over this window; Microsoft's sign-in and consent pages fit 500 × 700 without scrolling.
  const popup =
    mode === "redirect"
      ? null
      : window.open(
          token ? startUrl(token) : "",
          "ads-connect-microsoft",
          `popup,width=${w},height=${h},left=${(window.screenX + (window.outerWidth - w) / 2) | 0},top=${(window.screenY + (window.outerHeight - h) / 2) | 0}`,
        );
  if (!popup) {
    if (mode !== "popup") {
      // No popup (blocked, an in-app browser, or asked for): this page goes to Microsoft and back.
      active = flow;
      onEvent?.({ type: "redirect" });
      void import("./redirect.js").then((m) => m.redirectToServer(options, base, id, abort.signal)).catch(noToken);
      return flow;
    }
    finish(localError("popup_blocked", "Pop-up blocked: allow pop-ups for this site, then try again."));
    return flow;
  }
  active = flow;
  window.addEventListener("message", onMessage);
  watch = setInterval(() => popup.closed && onLooksClosed(), 300);
  onEvent?.({ type: "open" });

  if (!token) {
    void started
      .then((m) => m.resolveToken(options, base, abort.signal))
      .then((t) => {
        if (settled) return;
        token = t;
        popup.location.href = startUrl(t);
      }, noToken);
  }
  return flow;
}
