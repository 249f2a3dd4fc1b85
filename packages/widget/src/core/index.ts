/**
 * @ads-connect/widget/core — the framework-free popup flow ({@link connect}), without React: for
 * plain pages and other frameworks.
 *
 * @example
 * ```ts
 * import { connect } from "@ads-connect/widget/core";
 *
 * document.querySelector("#connect")?.addEventListener("click", () => connect({ serverUrl, getSessionToken, onEvent: (e) => console.log(e.type) }));
 * ```
 *
 * @packageDocumentation
 * @module @ads-connect/widget/core
 */
export { connect } from "./connect.js";
export { fetchSessionStatus } from "./fetchSessionStatus.js";
export { isConnectResult } from "./isConnectResult.js";
export type { Account, AdAccount, ConnectResult, ErrorActor, ErrorCode } from "./protocol.js";
export { resumeRedirect } from "./resume.js";
export type { CancelReason, ConnectError, ConnectEvent, ConnectFlow, ConnectOptions, ConnectSuccess, SessionStatusData } from "./types.js";
