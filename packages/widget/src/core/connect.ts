import { fetchSessionStatus } from "./fetchSessionStatus.js";
import { isConnectResult } from "./isConnectResult.js";
import type { ConnectResult } from "./protocol.js";
import type { CancelReason, ConnectError, ConnectEvent, ConnectFlow, ConnectOptions, SessionStatusData } from "./types.js";

let active: ConnectFlow | null = null;

const localError = (code: ConnectError["code"], message: string): ConnectResult => ({
  type: "ads-connect:error",
  error: { code, message, actor: "end_user", aadsts: null },
});

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Opens the Microsoft sign-in popup and reports the outcome through `onEvent`. Call it directly in
 * a click handler: the popup opens synchronously, so popup blockers allow it. While a flow runs, a
 * second call focuses its popup and returns the same flow.
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
  const { serverUrl, onEvent, pollIntervalMs = 1000, closedGraceMs = 2500 } = options;
  const base = serverUrl.replace(/\/+$/, "");
  const serverOrigin = new URL(base).origin;
  const id = randomId();
  const abort = new AbortController();
  let token = options.sessionToken ?? null;
  let settled = false;
  let navigated = false;
  let closedAt = 0;
  let watch: ReturnType<typeof setInterval> | undefined;
  let poll: ReturnType<typeof setTimeout> | undefined;

  const startUrl = (t: string) =>
    `${base}/oauth/connect/microsoft-ads?${new URLSearchParams({ connect_session_token: t, origin: window.location.origin, flow: id })}`;

  const end = (event: ConnectEvent) => {
    if (settled) return;
    settled = true;
    active = null;
    window.removeEventListener("message", onMessage);
    clearInterval(watch);
    clearTimeout(poll);
    abort.abort();
    try {
      popup?.close();
    } catch {
      // A popup cut off by COOP cannot be closed from here; it closes itself.
    }
    onEvent?.(event);
  };
  const finish = (result: ConnectResult) => end(result.type === "ads-connect:success" ? { type: "success", result } : { type: "error", error: result.error });
  const cancel = (reason: CancelReason) => end({ type: "cancelled", reason });

  function onMessage(event: MessageEvent) {
    if (event.origin !== serverOrigin || event.source !== popup || !popup) return;
    const data = event.data as { type?: unknown; flow?: unknown } | null;
    // The start page asks whether this page opened it for this flow: say so, to it only.
    if (data?.type === "ads-connect:handshake" && data.flow === id) popup.postMessage(data, serverOrigin);
    else if (isConnectResult(data)) finish(data);
  }

  const receiveStatus = (s: SessionStatusData) => {
    if (settled || !closedAt) return;
    if (s.status === "expired") return finish(localError("connect_session_expired", "The connect session expired. Try again."));
    if (s.flow === id) {
      if (s.result && (s.status === "success" || s.status === "error")) return finish(s.result);
      // Our attempt reached Microsoft and is over without a result: nobody is signing in any more.
      if (s.status === "pending") return cancel("attempt_over");
    } else if (Date.now() - closedAt >= closedGraceMs) {
      cancel("popup_closed");
    }
  };

  const pollOnce = async () => {
    try {
      const s = token && (await fetchSessionStatus(base, token, abort.signal));
      if (s) receiveStatus(s);
    } catch {
      // Offline for a moment: the next poll tries again.
    }
    if (!settled) poll = setTimeout(pollOnce, pollIntervalMs);
  };

  const onLooksClosed = () => {
    closedAt = Date.now();
    clearInterval(watch);
    // Closed before we ever sent it to the server: that is the user, not COOP.
    if (!navigated) return cancel("popup_closed");
    onEvent?.({ type: "popup_closed" });
    if (!options.externalPolling) void pollOnce();
  };

  const popup = window.open(token ? startUrl(token) : "", "ads-connect-microsoft", "popup,width=520,height=680");
  const flow: ConnectFlow = {
    id,
    signal: abort.signal,
    get sessionToken() {
      return token;
    },
    cancel: () => cancel("user"),
    focus: () => {
      try {
        popup?.focus();
      } catch {
        // Unreachable under COOP; nothing else to do.
      }
    },
    receiveStatus,
  };
  if (!popup) {
    settled = true;
    abort.abort();
    onEvent?.({
      type: "error",
      error: {
        code: "popup_blocked",
        message: "Your browser blocked the Microsoft sign-in window. Allow pop-ups for this site, then try again.",
        actor: "end_user",
        aadsts: null,
      },
    });
    return flow;
  }
  active = flow;
  navigated = !!token;
  window.addEventListener("message", onMessage);
  watch = setInterval(() => popup.closed && onLooksClosed(), 300);
  onEvent?.({ type: "open" });

  if (!token) {
    void resolveToken(options, base, abort.signal).then(
      (t) => {
        if (settled) return;
        token = t;
        navigated = true;
        popup.location.href = startUrl(t);
      },
      () => finish(localError("session_token_unavailable", "Could not start connecting to Microsoft. Try again in a moment.")),
    );
  }
  return flow;
}

/** A token from `getSessionToken`, fetched once more when the server says the first one is used up. */
async function resolveToken(options: ConnectOptions, base: string, signal: AbortSignal): Promise<string> {
  const get = options.getSessionToken;
  if (!get) throw new Error("sessionToken or getSessionToken is required");
  const first = await get();
  const status = await fetchSessionStatus(base, first, signal).catch(() => null);
  // An expired session, or one that already connected, cannot start another attempt.
  return status?.status === "expired" || status?.status === "success" ? get() : first;
}
