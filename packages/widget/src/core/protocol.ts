/**
 * The messages the widget receives from the ads-connect server, as plain types so the published
 * widget depends on nothing private. `protocol.test.ts` proves they equal the types inferred from
 * the server's zod schemas (@ads-connect/shared), so the two cannot drift.
 */

/**
 * Every error code ads-connect returns (`ERROR_CODES` in @ads-connect/shared); see docs/reference/errors.md.
 *
 * @example
 * ```ts
 * import type { ErrorCode } from "@ads-connect/widget";
 *
 * const retryable: ErrorCode[] = ["provider_temporarily_unavailable", "database_busy", "server_restarting"];
 * ```
 */
export type ErrorCode =
  | "invalid_body"
  | "invalid_query"
  | "invalid_json"
  | "payload_too_large"
  | "unauthorized"
  | "not_found"
  | "unknown_provider_config"
  | "integration_not_allowed"
  | "rate_limited"
  | "connect_session_invalid"
  | "connect_session_expired"
  | "connect_session_used"
  | "origin_not_allowed"
  | "state_invalid"
  | "state_already_used"
  | "attempt_expired"
  | "attempt_browser_mismatch"
  | "too_many_attempts"
  | "pkce_mismatch"
  | "nonce_mismatch"
  | "id_token_invalid"
  | "offline_access_missing"
  | "reconnect_account_mismatch"
  | "unknown_action"
  | "invalid_action_input"
  | "invalid_action_output"
  | "action_failed"
  | "accounts_not_chosen"
  | "consent_declined"
  | "admin_consent_required"
  | "mfa_required"
  | "conditional_access_blocked"
  | "login_required"
  | "account_not_allowed"
  | "invalid_scope"
  | "redirect_uri_mismatch"
  | "invalid_client_secret"
  | "client_secret_expired"
  | "app_not_found"
  | "app_not_multitenant"
  | "tenant_not_found"
  | "grant_expired"
  | "code_already_redeemed"
  | "provider_temporarily_unavailable"
  | "provider_error"
  | "invalid_header"
  | "proxy_refused"
  | "account_not_in_connection"
  | "proxy_redirect_refused"
  | "proxy_response_too_large"
  | "report_download_refused"
  | "report_too_large"
  | "report_invalid"
  | "report_failed"
  | "msads_error"
  | "msads_rate_limited"
  | "msads_unreachable"
  | "msads_timeout"
  | "msads_invalid_response"
  | "msads_not_configured"
  | "console_off"
  | "console_sign_in_required"
  | "console_key_invalid"
  | "console_request_refused"
  | "confirmation_mismatch"
  | "credentials_unreadable"
  | "user_cancelled"
  | "popup_blocked"
  | "session_token_unavailable"
  | "redirect_result_invalid"
  | "database_busy"
  | "server_restarting"
  | "sign_in_interrupted"
  | "database_unavailable"
  | "internal_error";

/**
 * Who has to do something about an error: the end user, their organization's administrator, your
 * product team, or nobody (try again).
 *
 * @example
 * ```ts
 * import type { ConnectError, ErrorActor } from "@ads-connect/widget";
 *
 * const whoActs: Record<ErrorActor, string> = { end_user: "you", end_user_admin: "your administrator", product_team: "our support", none: "nobody" };
 * const hint = (error: ConnectError) => `To fix this: ${whoActs[error.actor]}`;
 * ```
 */
export type ErrorActor = "end_user" | "end_user_admin" | "product_team" | "none";

/**
 * The Microsoft account a connection belongs to.
 *
 * @example
 * ```ts
 * import type { Account } from "@ads-connect/widget";
 *
 * const label = (account: Account) => account.display_name ?? account.username;
 * ```
 */
export interface Account {
  username: string;
  display_name: string | null;
  tenant_id: string;
  account_type: "work" | "personal";
}

/**
 * Why a connect failed, in plain language, with who must act.
 *
 * @example
 * ```ts
 * import { connect, type ConnectError } from "@ads-connect/widget/core";
 *
 * function showError(error: ConnectError) {
 *   console.log(error.message);
 *   if (error.code === "admin_consent_required" && error.admin_consent_url) console.log("Send this to your administrator:", error.admin_consent_url);
 * }
 * connect({ serverUrl, getSessionToken, onEvent: (event) => event.type === "error" && showError(event.error) });
 * ```
 */
export interface ConnectError {
  code: ErrorCode;
  message: string;
  actor: ErrorActor;
  /** Microsoft's own error number (AADSTSnnnn), when Microsoft raised it. */
  aadsts: number | null;
  /** With `admin_consent_required`: a link the user sends to their organization's administrator. */
  admin_consent_url?: string | undefined;
}

/**
 * One Microsoft Advertising account (`AdAccount` in @ads-connect/shared); ids are strings.
 *
 * @example
 * ```ts
 * import type { AdAccount } from "@ads-connect/widget";
 *
 * const describe = (account: AdAccount) => `${account.name ?? "Unnamed"} (${account.number ?? account.id}, ${account.currency ?? "?"})`;
 * ```
 */
export interface AdAccount {
  id: string;
  customer_id: string;
  /** What people see in the Microsoft Advertising UI, e.g. "F12A34BC". */
  number: string | null;
  name: string | null;
  currency: string | null;
  time_zone: string | null;
  status: string | null;
  pause_reason: number | null;
  language: string | null;
  financial_status: string | null;
  mode: string | null;
}

/**
 * A finished connect: the connection's id, the Microsoft account and the ad accounts chosen.
 *
 * @example
 * ```ts
 * import { connect, type ConnectSuccess } from "@ads-connect/widget/core";
 *
 * const onConnected = (result: ConnectSuccess) => console.log(result.connection_id, result.accounts.map((a) => a.id));
 * connect({ serverUrl, getSessionToken, onEvent: (event) => event.type === "success" && onConnected(event.result) });
 * ```
 */
export interface ConnectSuccess {
  type: "ads-connect:success";
  connection_id: string;
  provider_config_key: string;
  operation: "creation" | "override";
  account: Account;
  /** The ad accounts chosen for this connection (may be empty). */
  accounts: AdAccount[];
}

/**
 * The outcome of one connect attempt (popup message and session status).
 *
 * @example
 * ```ts
 * import type { ConnectResult } from "@ads-connect/widget";
 *
 * const summary = (result: ConnectResult) => (result.type === "ads-connect:success" ? `connected ${result.connection_id}` : result.error.message);
 * ```
 */
export type ConnectResult = ConnectSuccess | { type: "ads-connect:error"; error: ConnectError };

/** `GET /connect/session/status`. */
export interface SessionStatusResponse {
  data: {
    status: "pending" | "authorizing" | "success" | "error" | "expired";
    expires_at: string;
    /** When the latest attempt was sent to Microsoft; null before any attempt. */
    attempt_started_at: string | null;
    /** The `flow` id the widget passed when it started the latest attempt. */
    flow: string | null;
    result: ConnectResult | null;
  };
}
