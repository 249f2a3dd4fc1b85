import { fetchSessionStatus } from "./fetchSessionStatus.js";
import type { ConnectResult } from "./protocol.js";
import type { CancelReason, ConnectEvent, ConnectOptions, SessionStatusData } from "./types.js";

/**
 * The watch over a popup that looks closed, loaded only when one does (most flows end with the
 * popup's message). Polls the session, tells a user's closing from a COOP cut, and takes a late
 * success once. It ends when the flow's `signal` aborts. Positional arguments: they minify best.
 *
 * @returns what `flow.receiveStatus` forwards to.
 */
export function watchClosed(
  options: ConnectOptions,
  base: string,
  id: string,
  token: string | null,
  signal: AbortSignal,
  end: (event: ConnectEvent, keepWatching?: boolean) => void,
  finish: (result: ConnectResult) => void,
  cancel: (reason: CancelReason) => void,
): (s: SessionStatusData) => void {
  const { pollIntervalMs = 1000, closedGraceMs = 2500, closedFocusMs = 2000, externalPolling } = options;
  const closedAt = Date.now();
  let poll: ReturnType<typeof setTimeout> | undefined;
  let closing: ReturnType<typeof setTimeout> | undefined;

  const receiveStatus = (s: SessionStatusData) => {
    if (signal.aborted) return;
    if (s.status === "expired")
      return finish({
        type: "ads-connect:error",
        error: { code: "connect_session_expired", message: "The connect session expired. Try again.", actor: "end_user", aadsts: null },
      });
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
      const s = token && (await fetchSessionStatus(base, token, signal));
      if (s) receiveStatus(s);
    } catch {
      // Offline for a moment: the next poll tries again.
    }
    if (!signal.aborted) poll = setTimeout(pollOnce, pollIntervalMs);
  };

  // This page has the focus while the popup looks closed: a live popup (COOP) would hold it, so the
  // user closed it. Said soon, yet a success that still comes is taken (`keepWatching`).
  const arm = () => {
    clearTimeout(closing);
    closing = setTimeout(() => {
      end({ type: "cancelled", reason: "popup_closed" }, true);
      if (externalPolling) void pollOnce();
    }, closedFocusMs);
  };

  if (!signal.aborted) {
    signal.addEventListener("abort", () => {
      window.removeEventListener("focus", arm);
      clearTimeout(poll);
      clearTimeout(closing);
    });
    if (!externalPolling) void pollOnce();
    window.addEventListener("focus", arm);
    if (window.document.hasFocus()) arm();
  }
  return receiveStatus;
}
