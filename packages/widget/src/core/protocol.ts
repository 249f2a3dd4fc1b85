/**
 * The messages the widget receives from the ads-connect server, as plain types so the published
 * widget depends on nothing private. `protocol.test.ts` proves they equal the types inferred from
 * the server's zod schemas (@ads-connect/shared), so the two cannot drift.
 */

/** Every error code ads-connect returns (`ERROR_CODES` in @ads-connect/shared). */
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
  | "msads_error"
  | "msads_rate_limited"
  | "msads_unreachable"
  | "msads_timeout"
  | "msads_invalid_response"
  | "msads_not_configured"
  | "credentials_unreadable"
  | "user_cancelled"
  | "popup_blocked"
  | "session_token_unavailable"
  | "database_busy"
  | "server_restarting"
  | "sign_in_interrupted"
  | "database_unavailable"
  | "internal_error";

/** Who has to do something about an error. */
export type ErrorActor = "end_user" | "end_user_admin" | "product_team" | "none";

/** The Microsoft account a connection belongs to. */
export interface Account {
  username: string;
  display_name: string | null;
  tenant_id: string;
  account_type: "work" | "personal";
}

export interface ConnectError {
  code: ErrorCode;
  message: string;
  actor: ErrorActor;
  /** Microsoft's own error number (AADSTSnnnn), when Microsoft raised it. */
  aadsts: number | null;
  /** With `admin_consent_required`: a link the user sends to their organization's administrator. */
  admin_consent_url?: string | undefined;
}

/** One Microsoft Advertising account (`AdAccount` in @ads-connect/shared); ids are strings. */
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

export interface ConnectSuccess {
  type: "ads-connect:success";
  connection_id: string;
  provider_config_key: string;
  operation: "creation" | "override";
  account: Account;
  /** The ad accounts chosen for this connection (may be empty). */
  accounts: AdAccount[];
}

/** The outcome of one connect attempt (popup message and session status). */
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
