export { connect } from "./connect.js";
export { fetchSessionStatus } from "./fetchSessionStatus.js";
export { isConnectResult } from "./isConnectResult.js";
export type { Account, AdAccount, ConnectResult, ErrorActor, ErrorCode } from "./protocol.js";
export type { CancelReason, ConnectError, ConnectEvent, ConnectFlow, ConnectOptions, ConnectSuccess, SessionStatusData } from "./types.js";
