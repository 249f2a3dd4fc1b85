import type { Generated } from "kysely";

/** Times are epoch milliseconds; JSON columns hold text so SQLite and PostgreSQL read the same. */
export interface ConnectSessionTable {
  id: string;
  token_hash: string;
  end_user: string;
  organization: string | null;
  allowed_integrations: string | null;
  integrations_config_defaults: string | null;
  tags: string | null;
  reconnect_connection_id: string | null;
  created_at: number;
  expires_at: number;
  last_attempt_at: number | null;
  last_attempt_expires_at: number | null;
  /** The widget's id for the flow that started the latest attempt (so it only takes its own result). */
  last_attempt_flow: string | null;
  last_result: string | null;
  last_result_at: number | null;
  completed_at: number | null;
  /** The connect flow's trace (W3C `traceparent`, ids only) so each of its requests joins it, on any instance; null without tracing. */
  trace_context?: string | null;
  /**
   * The popup start page waiting for the person's go-ahead (the widget's handshake or Continue):
   * hash of its one-time proof, hash of the browser binding, and what the attempt will carry.
   */
  start_proof_hash: string | null;
  start_binding_hash: string | null;
  start_origin: string | null;
  start_flow: string | null;
  start_expires_at: number | null;
  /** The picker's mode for this session ("single" | "multiple" | "all"); null means the default. */
  account_selection: string | null;
  /** "connect" (default, null) or "change_accounts" (reopens only the picker for reconnect_connection_id). */
  purpose: string | null;
  /** The popup's language tag from the session's body (0019_session_locale); null: Accept-Language decides. */
  locale: string | null;
  /** The account picker step (0010_account_picker): hashed one-time token and browser binding. */
  picker_token_hash: string | null;
  picker_binding_hash: string | null;
  /** The connection whose accounts the picker shows. */
  picker_connection_id: string | null;
  /** Where the picker's result page may post the result (the validated widget origin). */
  picker_origin: string | null;
  /** The picker's deadline: after it, the held creation webhook goes out without a selection. */
  picker_expires_at: number | null;
  /** When the picker's choice was stored (its token is then spent). */
  picker_done_at: number | null;
  /** The auth webhook (outbox id) held back until the choice is made. */
  picker_webhook_id: string | null;
  /** The operation log's operation for this session's connect attempt (0014_operations). */
  operation_id: string | null;
}

export interface OAuthAttemptTable {
  id: string;
  session_id: string;
  state_hash: string;
  binding_hash: string;
  code_verifier_enc: string;
  nonce: string;
  origin: string | null;
  tenant: string;
  scope: string;
  pending_connection_id: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
  code_hash: string | null;
  result: string | null;
  /** The connect flow's trace (`traceparent`), copied from its session for the callback. */
  trace_context?: string | null;
}

export interface ConnectionTable {
  id: Generated<number>;
  connection_id: string;
  provider_config_key: string;
  end_user_id: string;
  end_user: string;
  tenant_id: string;
  object_id: string;
  username: string;
  display_name: string | null;
  account_type: "work" | "personal";
  status: "connected" | "refreshing" | "expired" | "error";
  errors: string;
  credentials_enc: string;
  access_token_expires_at: number;
  scope: string;
  connection_config: string;
  metadata: string | null;
  tags: string;
  created_at: number;
  updated_at: number;
  last_fetched_at: number | null;
  last_refreshed_at: number | null;
  /** Consecutive failed refreshes (reset by a good one). */
  refresh_failures: Generated<number>;
  /** 1 once a failure was reported (webhook/alert), so the recovery is reported once too. */
  failure_reported: Generated<number>;
  /** Bumped by every credential write; refreshes write only when it is still the version they read. */
  version: Generated<number>;
  /** The Microsoft Advertising user id (`User/Query`), once discovery succeeded. */
  ms_user_id: string | null;
  /** JSON array of account ids the user chose (null before the picker ran). */
  selected_account_ids: string | null;
  /** Last successful account discovery or sync. */
  accounts_synced_at: number | null;
  /** JSON `{code, message, at}` of the last failed discovery/sync; null once one succeeded. */
  accounts_error: string | null;
  /** When the account sync job should next look at this connection. */
  accounts_sync_due_at: number | null;
  /** When this connection's keep-alive refresh is due if nobody reads it (spread per connection). */
  keepalive_due_at: number | null;
  /** The end user's email, lowercase (0015: the console's search; kept by ConnectionStore from `end_user`). */
  end_user_email: string | null;
  /** The first error's code (0015: the console's filter; kept by ConnectionStore from `errors`). */
  error_code: string | null;
}

export interface WebhookOutboxTable {
  /** Also the idempotency id in the body: the receiver sees each event under one id however often it is delivered. */
  id: string;
  body: string;
  created_at: number;
  next_attempt_at: number;
  attempts: Generated<number>;
  /** A dispatcher claimed it until then (several server processes may share the database). */
  locked_until: number | null;
  delivered_at: number | null;
  gave_up_at: number | null;
  last_error: string | null;
  /** The trace that queued the event (`traceparent`): its delivery is traced under it and sends it on. */
  trace_context?: string | null;
}

export interface WebhookAttemptTable {
  id: Generated<number>;
  outbox_id: string;
  attempted_at: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface AlertSentTable {
  key: string;
  sent_at: number;
}

/** What happened to the integration, for its status: connects, refreshes and errors by code. */
export interface IntegrationEventTable {
  id: Generated<number>;
  at: number;
  kind: IntegrationEventKind;
  code: string | null;
  connection_id: string | null;
  /** Who must act on a failure (see the AADSTS catalogue). */
  actor: string | null;
  aadsts: number | null;
}

export type IntegrationEventKind =
  | "connect_succeeded"
  | "connect_failed"
  | "refresh_succeeded"
  | "refresh_failed"
  | "admin_consent_granted"
  | "admin_consent_failed";

/**
 * A link a blocked user sends to their organization's administrator. Opening it starts Entra's
 * admin consent (state and browser binding as for a sign-in); the callback completes it.
 */
export interface AdminConsentRequestTable {
  id: string;
  token_hash: string;
  session_id: string;
  end_user_id: string;
  /** The tenant path for Entra's admin consent: a tenant id or domain, else `organizations`. */
  tenant: string;
  scope: string;
  created_at: number;
  expires_at: number;
  state_hash: string | null;
  binding_hash: string | null;
  state_expires_at: number | null;
  completed_at: number | null;
  granted_tenant_id: string | null;
  error: string | null;
}

/** Organizations whose administrator approved the app (from Entra's admin consent callback). */
export interface AdminConsentTable {
  tenant_id: string;
  granted_at: number;
  request_id: string;
  scope: string;
  /**
   * When a sign-in from this tenant first worked after the approval. The approval itself arrives
   * through the administrator's browser, which anyone can write; until then it is unverified.
   */
  verified_at: number | null;
}

/**
 * Who refreshes a connection's tokens right now, across instances: one holder per connection until
 * `expires_at`, so a holder that died blocks the others only until then.
 */
export interface RefreshLeaseTable {
  connection_id: string;
  /** Random per refresh: only its holder renews or releases it. */
  holder: string;
  expires_at: number;
}

/** A Microsoft Advertising account a connection can reach (see 0007_ad_accounts). */
export interface AdAccountTable {
  connection_id: string;
  account_id: string;
  customer_id: string;
  /** JSON of the unified `AdAccount`. */
  data: string;
  first_seen_at: number;
  last_modified_at: number;
  last_action: "ADDED" | "UPDATED" | "DELETED";
  deleted_at: number | null;
  /** Increasing sequence (bumped on every change) behind the records API's cursor. */
  cursor: number;
  /** Place in Microsoft's `Accounts/Search` page order (index across all pages) at the last sync. */
  position: number;
  /** The account's number (0015: the console's search; kept by AdAccountStore from `data`). */
  account_number: string | null;
}

/** An operator's console sign-in (0015_operator_console): the hash of the cookie's token, until when it holds. */
export interface ConsoleSessionTable {
  token_hash: string;
  created_at: number;
  expires_at: number;
}

/** Microsoft token requests counted per time window, across instances (see TokenBudget). */
export interface TokenRequestWindowTable {
  window_start: number;
  count: number;
}

/** Until when Entra asked the app to slow down (429 / AADSTS50196); one row, id "entra". */
export interface TokenThrottleTable {
  id: string;
  until: number;
}

/** Why the proxy holds a customer's calls. */
export type ProxyHoldReason = "call_rate_exceeded" | "too_many_requests";

/** The proxy's hold per Microsoft Advertising customer after a 429 or 117 CallRateExceeded (0011_proxy_holds, 0012). */
export interface ProxyHoldTable {
  /** The customer id, or `user:<connection id>` for calls without a customer. */
  customer_key: string;
  until: number;
  /** 117 CallRateExceeded, or a 429 without it; null on rows from before 0012. */
  reason: ProxyHoldReason | null;
}

/** A rate limiter's count for one client in the current window (0013_rate_limits_and_key_uses; PostgreSQL only). */
export interface RateLimitHitTable {
  /** `<limiter>:<client>`, e.g. `api:key` or `browser:203.0.113.7`. */
  key: string;
  hits: number;
  /** Epoch ms when the window ends; a hit after it starts a new window. */
  reset_at: number;
}

/** Requests per API secret key over every instance (0013_rate_limits_and_key_uses). */
export interface SecretKeyUseTable {
  /** First 8 hex characters of the key's SHA-256. */
  fingerprint: string;
  requests: number;
  last_used_at: number;
}

/** A connection's sync (see 0016_sync_schedules); booleans are 0/1. */
export interface SyncScheduleTable {
  connection_id: string;
  sync_name: string;
  /** This connection's own frequency; null: the integration's. */
  frequency_seconds: number | null;
  paused: number;
  due_at: number;
  lease_until: number | null;
  lease_holder: string | null;
  /** "SUCCESS" | "ERROR" | "RUNNING" (a run holds or waits out a hold) | "PENDING" (never ran). */
  status: string;
  initial_done: number;
  reset_requested: number;
  /** The run in progress (also across a hold): when it began, and its JSON state (accounts done, counts). */
  run_started_at: number | null;
  run_state: string | null;
  last_finished_at: number | null;
  last_result: string | null;
  last_error: string | null;
  /** Performance: the last day a run covered (YYYY-MM-DD). */
  covered_until: string | null;
}

/** A sync's record (see 0017_sync_records). */
export interface SyncRecordTable {
  connection_id: string;
  model: string;
  record_id: string;
  account_id: string;
  record_date: string | null;
  data: string;
  data_hash: string;
  first_seen_at: number;
  last_modified_at: number;
  last_action: "ADDED" | "UPDATED" | "DELETED";
  deleted_at: number | null;
  cursor: number;
}

/** An operation of the operation log (0014_operations); Nango's `type`/`action` and states. */
export interface OperationTable {
  id: string;
  type: string;
  action: string;
  state: string;
  connection_id: string | null;
  end_user_id: string | null;
  integration: string | null;
  session_id: string | null;
  error_code: string | null;
  error_message: string | null;
  started_at: number;
  ended_at: number | null;
  duration_ms: number | null;
  /** JSON object, scrubbed. */
  meta: string | null;
}

/** A log line or HTTP step under an operation. */
export interface OperationMessageTable {
  seq: Generated<number>;
  id: string;
  operation_id: string;
  type: string;
  level: string;
  message: string;
  created_at: number;
  /** JSON: request, response, durationMs, retry, persistResults. */
  details: string | null;
}

/** A redirect-mode sign-in (0018_connect_redirects): where it returns, and its result until the page redeems it. */
export interface ConnectRedirectTable {
  id: string;
  /** SHA-256 of the cookie that ties the redirect to the browser that started it. */
  binding_hash: string;
  /** The product page to come back to (its origin is in ALLOWED_ORIGINS). */
  return_to: string;
  origin: string;
  created_at: number;
  expires_at: number;
  /** The result (ConnectResult JSON) once the sign-in ended; null before. */
  result: string | null;
  /** SHA-256 of the one-time result token the return URL carries. */
  result_token_hash: string | null;
  redeemed_at: number | null;
}

export interface Database {
  connect_sessions: ConnectSessionTable;
  oauth_attempts: OAuthAttemptTable;
  connections: ConnectionTable;
  webhook_outbox: WebhookOutboxTable;
  webhook_attempts: WebhookAttemptTable;
  alerts_sent: AlertSentTable;
  integration_events: IntegrationEventTable;
  admin_consent_requests: AdminConsentRequestTable;
  admin_consents: AdminConsentTable;
  refresh_leases: RefreshLeaseTable;
  ad_accounts: AdAccountTable;
  sync_schedules: SyncScheduleTable;
  sync_records: SyncRecordTable;
  token_request_windows: TokenRequestWindowTable;
  token_throttle: TokenThrottleTable;
  proxy_holds: ProxyHoldTable;
  rate_limit_hits: RateLimitHitTable;
  secret_key_uses: SecretKeyUseTable;
  console_sessions: ConsoleSessionTable;
  operations: OperationTable;
  operation_messages: OperationMessageTable;
  connect_redirects: ConnectRedirectTable;
}
