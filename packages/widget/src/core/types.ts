import type { ConnectError, ConnectSuccess, SessionStatusResponse } from "./protocol.js";

export type { ConnectError, ConnectSuccess };
/**
 * A connect session's state (`GET /connect/session/status`), as {@link fetchSessionStatus} returns it.
 *
 * @example
 * ```ts
 * import { fetchSessionStatus, type SessionStatusData } from "@ads-connect/widget/core";
 *
 * const status: SessionStatusData | null = await fetchSessionStatus(serverUrl, await getSessionToken());
 * if (status?.status === "success" && status.result) console.log(status.result.type);
 * ```
 */
export type SessionStatusData = SessionStatusResponse["data"];

/**
 * Why a flow ended without a result: the user cancelled (`user`), the popup was closed
 * (`popup_closed`: show "Sign-in window closed — Try again"), or the attempt ended at Microsoft
 * without a result (`attempt_over`).
 *
 * @example
 * ```ts
 * import { connect, type CancelReason } from "@ads-connect/widget/core";
 *
 * const onCancelled = (reason: CancelReason) => reason === "popup_closed" && console.log("The sign-in window was closed.");
 * connect({ serverUrl, getSessionToken, onEvent: (event) => event.type === "cancelled" && onCancelled(event.reason) });
 * ```
 */
export type CancelReason = "user" | "popup_closed" | "attempt_over";

/**
 * What a flow reports, in order. Exactly one of `success`, `error` or `cancelled` ends it, with one
 * exception: after `cancelled` with reason `popup_closed`, a `success` may still follow once (the
 * popup lived on, cut off by Cross-Origin-Opener-Policy, and the user finished signing in).
 * - `open`: the popup is open (navigating to Microsoft may still wait for the session token).
 * - `popup_closed`: the popup looks closed before any result. It may really be closed, or
 *   Cross-Origin-Opener-Policy cut our link while the user is still signing in: the flow keeps
 *   polling the session and should offer Cancel. Once this page has the focus again (the user is
 *   back: a live popup would hold the focus), the flow ends `cancelled` (`popup_closed`) after
 *   `closedFocusMs`.
 * - `redirect`: no popup (blocked, or `mode: "redirect"`): this page is about to go to Microsoft;
 *   the result comes back to the return URL ({@link resumeRedirect}).
 *
 * @example
 * ```ts
 * import { connect, type ConnectEvent } from "@ads-connect/widget/core";
 *
 * function onEvent(event: ConnectEvent) {
 *   if (event.type === "success") console.log("connected", event.result.connection_id);
 *   else if (event.type === "error") console.log(event.error.message);
 *   else if (event.type === "cancelled") console.log("cancelled:", event.reason);
 * }
 * connect({ serverUrl, getSessionToken, onEvent });
 * ```
 */
export type ConnectEvent =
  | { type: "open" }
  | { type: "popup_closed" }
  | { type: "redirect" }
  | { type: "success"; result: ConnectSuccess }
  | { type: "error"; error: ConnectError }
  | { type: "cancelled"; reason: CancelReason };

/**
 * {@link connect}'s options: the server, a session token (or how to get one at click time) and
 * where to report events. Give `sessionToken` or `getSessionToken`.
 *
 * @example
 * ```ts
 * import { connect, type ConnectOptions } from "@ads-connect/widget/core";
 *
 * const options: ConnectOptions = {
 *   serverUrl: "https://connect.example.com",
 *   getSessionToken: () => fetch("/api/connect-session", { method: "POST" }).then((r) => r.json()).then((b: { token: string }) => b.token),
 *   onEvent: (event) => console.log(event.type),
 * };
 * connect(options);
 * ```
 */
export interface ConnectOptions {
  /** The ads-connect server's public URL, e.g. `https://connect.example.com`. */
  serverUrl: string;
  /** A connect session token your backend created (`POST /connect/sessions`). */
  sessionToken?: string;
  /** Fetches a fresh session token from your backend at click time (and again if it expired). */
  getSessionToken?: () => Promise<string>;
  /** Called with each {@link ConnectEvent} of the flow, in order. */
  onEvent?: (event: ConnectEvent) => void;
  /** How often the session is polled once the popup looks closed. Default 1000 ms. */
  pollIntervalMs?: number;
  /** How long a closed popup whose attempt never reached Microsoft counts as still opening. Default 2500 ms. */
  closedGraceMs?: number;
  /**
   * How long after this page regains the focus a popup that looks closed counts as closed by the
   * user. Default 2000 ms.
   */
  closedFocusMs?: number;
  /** The popup's size in CSS pixels. Default 500 × 700, what Microsoft's sign-in and consent pages need. */
  popupWidth?: number;
  popupHeight?: number;
  /**
   * `auto` (default): a popup, or a full-page redirect when the popup cannot open; `popup`: a blocked
   * popup is an error (`popup_blocked`); `redirect`: always a full-page redirect (in-app browsers).
   */
  mode?: "auto" | "popup" | "redirect";
  /** Where redirect mode comes back to (an allowed origin); default this page's URL. */
  returnUrl?: string;
  /**
   * The adapter polls `GET /connect/session/status` itself while the popup looks closed and hands
   * each answer to `flow.receiveStatus` (the React hook does this with TanStack Query).
   */
  externalPolling?: boolean;
}

/**
 * A running connect flow, as {@link connect} returns it. Every method is safe to call at any time,
 * also after the flow ended.
 *
 * @example
 * ```ts
 * import { connect, type ConnectFlow } from "@ads-connect/widget/core";
 *
 * const flow: ConnectFlow = connect({ serverUrl, getSessionToken });
 * document.querySelector("#cancel")?.addEventListener("click", () => flow.cancel());
 * ```
 */
export interface ConnectFlow {
  /** This click's id, sent to the server so polling only accepts this flow's result. */
  readonly id: string;
  /** Aborted when the flow ends; adapters tie their own requests to it. */
  readonly signal: AbortSignal;
  /** The session token in use, once known. */
  readonly sessionToken: string | null;
  /** Ends the flow as `cancelled` (reason `user`) and closes the popup. */
  cancel(): void;
  /** Brings the popup to the front. */
  focus(): void;
  /** Feeds one session status answer read by the adapter (see `externalPolling`). */
  receiveStatus(status: SessionStatusData): void;
}
