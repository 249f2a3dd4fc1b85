import type { ErrorCode } from "./errorCodes.js";

/**
 * Who must act on an error, in the reference's words: the end user (or their organization's
 * administrator), the product team whose backend and pages call ads-connect, the operator who
 * configures and runs the ads-connect server (environment, Entra app registration, database), or
 * nobody (temporary: trying again works). The wire's `actor` field (ErrorActorSchema) folds the
 * operator into `product_team`.
 *
 * @example
 * ```ts
 * import type { ErrorCatalogueActor } from "@ads-connect/node";
 *
 * const isOurs = (actor: ErrorCatalogueActor) => actor === "product_team" || actor === "operator";
 * ```
 */
export type ErrorCatalogueActor = "end_user" | "end_user_admin" | "product_team" | "operator" | "none";

/**
 * One error code's reference entry: its HTTP status(es), who must act, a typical message and the next step.
 *
 * @example
 * ```ts
 * import { ERROR_CATALOGUE, type ErrorCatalogueEntry } from "@ads-connect/node";
 *
 * const entry: ErrorCatalogueEntry = ERROR_CATALOGUE.rate_limited;
 * console.log(entry.http, entry.action);
 * ```
 */
export interface ErrorCatalogueEntry {
  /**
   * Every HTTP status the server answers with this code; empty when the code is never an HTTP
   * answer (a popup result, the session status, a connection's `errors`, or the widget itself).
   */
  http: readonly number[];
  actor: ErrorCatalogueActor;
  /** A typical message, in plain words (the actual one may name the field, header or limit). */
  message: string;
  /** The next step for whoever must act. */
  action: string;
}

const popup: readonly number[] = [];
const RETRY = "Nothing to fix: connect again (or retry the call) in a moment.";

/**
 * Every error code with its HTTP status(es), who must act, a plain message and what to do. The
 * source of docs/reference/errors.md (`pnpm docs:reference`); Microsoft Entra's AADSTS numbers
 * behind the sign-in codes are in AADSTS_CATALOGUE.
 *
 * @example
 * ```ts
 * import { ApiErrorBodySchema, ERROR_CATALOGUE, ErrorCodeSchema } from "@ads-connect/node";
 *
 * const { error } = ApiErrorBodySchema.parse(await response.json());
 * const code = ErrorCodeSchema.safeParse(error.code);
 * if (code.success) console.log(ERROR_CATALOGUE[code.data].action);
 * ```
 */
export const ERROR_CATALOGUE: Readonly<Record<ErrorCode, ErrorCatalogueEntry>> = {
  invalid_body: {
    http: [400],
    actor: "product_team",
    message: "The request body does not match the endpoint's schema.",
    action: "Fix the fields named in `error.errors` (path and message).",
  },
  invalid_query: {
    http: [400],
    actor: "product_team",
    message: "The query string does not match the endpoint's schema.",
    action: "Fix the parameters named in `error.errors`.",
  },
  invalid_json: {
    http: [400],
    actor: "product_team",
    message: "The request body is not valid JSON.",
    action: "Send a JSON body with `Content-Type: application/json`.",
  },
  payload_too_large: {
    http: [413],
    actor: "product_team",
    message: "The request body is too large.",
    action: "Send a smaller body (the proxy's limit is PROXY_MAX_REQUEST_BYTES).",
  },
  unauthorized: {
    http: [401],
    actor: "product_team",
    message: "The secret key is missing or not valid.",
    action: "Send `Authorization: Bearer <ADS_CONNECT_SECRET_KEY>` from your backend (never from a browser).",
  },
  not_found: {
    http: [404],
    actor: "product_team",
    message: "No such connection or route.",
    action: "Check the connection id (GET /connections lists them) and the path.",
  },
  unknown_provider_config: {
    http: [400, 404],
    actor: "product_team",
    message: "Unknown integration.",
    action: "Use the integration id `microsoft-ads`, the only one this server offers.",
  },
  integration_not_allowed: {
    http: [400],
    actor: "product_team",
    message: "allowed_integrations does not include `microsoft-ads`.",
    action: "Include `microsoft-ads` in the connect session's allowed_integrations (or leave it out).",
  },
  rate_limited: {
    http: [429],
    actor: "none",
    message: "Too many requests. Try again in a few seconds.",
    action: "Wait for `Retry-After`; if it happens in normal use, the operator raises the RATE_LIMIT_* settings.",
  },
  connect_session_invalid: {
    http: [401],
    actor: "product_team",
    message: "The connect session token is not valid.",
    action: "Create a new connect session on your backend and pass its token to the widget.",
  },
  connect_session_expired: {
    http: [401],
    actor: "end_user",
    message: "The connect session has expired.",
    action: "Connect again: the widget asks your backend for a new session (CONNECT_SESSION_TTL_SECONDS sets its lifetime).",
  },
  connect_session_used: {
    http: [409],
    actor: "end_user",
    message: "This connect session already connected an account.",
    action: "Start a new connect session to connect again.",
  },
  origin_not_allowed: {
    http: [400],
    actor: "operator",
    message: "This page is not allowed to connect Microsoft Advertising.",
    action: "Add the page's origin to ALLOWED_ORIGINS.",
  },
  state_invalid: {
    http: [400],
    actor: "end_user",
    message: "This sign-in response does not belong to any connect attempt.",
    action: "Connect again from the app.",
  },
  state_already_used: {
    http: [400, 409],
    actor: "end_user",
    message: "This connect page or sign-in response was already used.",
    action: "Close the window and connect again from the app.",
  },
  attempt_expired: {
    http: [400],
    actor: "end_user",
    message: "The connect page was open too long and expired.",
    action: "Connect again from the app (OAUTH_ATTEMPT_TTL_SECONDS sets the limit).",
  },
  attempt_browser_mismatch: {
    http: [403],
    actor: "end_user",
    message: "The sign-in was opened in another browser or window.",
    action: "Connect again from the app, in the same browser window.",
  },
  too_many_attempts: {
    http: [429],
    actor: "end_user",
    message: "This connect session has started too many sign-ins.",
    action: "Close the window and connect again from the app (MAX_ATTEMPTS_PER_SESSION sets the limit).",
  },
  pkce_mismatch: { http: popup, actor: "end_user", message: "The sign-in could not be verified.", action: "Connect again from the same window." },
  nonce_mismatch: {
    http: popup,
    actor: "end_user",
    message: "Microsoft's answer could not be verified, so nothing was connected.",
    action: "Connect again from the same window.",
  },
  id_token_invalid: {
    http: popup,
    actor: "end_user",
    message: "Microsoft's ID token could not be verified, so nothing was connected.",
    action: "Connect again from the same window.",
  },
  offline_access_missing: {
    http: popup,
    actor: "end_user",
    message: "Microsoft did not grant offline access, so the connection could not be kept.",
    action: "Connect again and accept all the requested permissions.",
  },
  reconnect_account_mismatch: {
    http: popup,
    actor: "end_user",
    message: "A different Microsoft account signed in than the one this connection belongs to.",
    action: "Reconnect with the same Microsoft account, or connect the other one as a new connection.",
  },
  consent_declined: {
    http: popup,
    actor: "end_user",
    message: "You declined the permissions Microsoft Advertising needs.",
    action: "Connect again and choose Accept.",
  },
  admin_consent_required: {
    http: [424, 502],
    actor: "end_user_admin",
    message: "Your organization has not approved this app yet.",
    action: "Send the administrator the approval link shown in the popup, then connect again once they have approved.",
  },
  mfa_required: {
    http: [424],
    actor: "end_user",
    message: "Your organization requires multi-factor authentication.",
    action: "Connect again and complete the extra sign-in step.",
  },
  conditional_access_blocked: {
    http: [502],
    actor: "end_user_admin",
    message: "Your organization's access policies blocked this sign-in.",
    action: "Ask the organization's administrator to allow this app, then connect again.",
  },
  login_required: { http: [502], actor: "end_user", message: "You are not signed in to Microsoft.", action: "Connect again and sign in." },
  account_not_allowed: {
    http: [502],
    actor: "end_user",
    message: "This Microsoft account cannot sign in to this app.",
    action: "Use an account from the expected organization, or a work account.",
  },
  invalid_scope: {
    http: [400, 502],
    actor: "product_team",
    message: "The requested permissions (scopes) are not valid.",
    action: "Request only Microsoft Advertising scopes (the session's user_scopes), or leave them out.",
  },
  redirect_uri_mismatch: {
    http: [502],
    actor: "operator",
    message: "The redirect URI is not registered in Microsoft Entra.",
    action: "Register $PUBLIC_URL/oauth/callback exactly in the Entra app registration (`ads-connect doctor` checks it).",
  },
  invalid_client_secret: {
    http: [502],
    actor: "operator",
    message: "The app's Microsoft client secret is wrong.",
    action: "Set the secret's value (not its ID) in MICROSOFT_CLIENT_SECRET.",
  },
  client_secret_expired: {
    http: [502],
    actor: "operator",
    message: "The app's Microsoft client secret has expired.",
    action: "Create a new secret in Microsoft Entra, update MICROSOFT_CLIENT_SECRET (and MICROSOFT_CLIENT_SECRET_EXPIRES_AT).",
  },
  app_not_found: {
    http: [502],
    actor: "operator",
    message: "Microsoft does not know this app in that directory.",
    action: "Check MICROSOFT_CLIENT_ID and the app registration's supported account types.",
  },
  app_not_multitenant: {
    http: [502],
    actor: "operator",
    message: "The app is registered for a single organization.",
    action: "Allow other organizations in the app registration, or set MICROSOFT_TENANT to its tenant.",
  },
  tenant_not_found: {
    http: [400, 502],
    actor: "end_user",
    message: "Microsoft could not find that organization.",
    action: "Check the organization (tenant) used to sign in; a product backend checks the session's tenant it sent.",
  },
  grant_expired: {
    http: [424],
    actor: "end_user",
    message: "The Microsoft connection has expired or was revoked.",
    action: "The end user reconnects (a reconnect session keeps the connection id).",
  },
  code_already_redeemed: { http: [424], actor: "end_user", message: "This sign-in was already used.", action: "Connect again to start a new one." },
  provider_temporarily_unavailable: { http: [503], actor: "none", message: "Microsoft did not answer in time or is overloaded.", action: RETRY },
  provider_error: {
    http: [502],
    actor: "product_team",
    message: "Microsoft refused with an error this app does not recognize.",
    action: "Find Microsoft's AADSTS code in the server log; if it keeps happening, report it.",
  },
  unknown_action: { http: [400], actor: "product_team", message: "No action with that name.", action: "Use a name from GET /actions." },
  invalid_action_input: {
    http: [400],
    actor: "product_team",
    message: "The action's input does not match its schema.",
    action: "Fix the fields named in `error.errors` (GET /actions shows each action's input schema).",
  },
  invalid_action_output: {
    http: [500],
    actor: "product_team",
    message: "The action returned output that does not match its own schema; nothing was returned.",
    action: "Fix the custom action's run() or its output schema.",
  },
  action_failed: {
    // The pre-built actions' own statuses (bad input 400, not this account's 404, no account chosen
    // 409, refused by Microsoft 422, a report Microsoft could not build 502, or not in time 504); a custom action's ActionError may use any 4xx/5xx.
    http: [400, 404, 409, 422, 500, 502, 504],
    actor: "product_team",
    message: "The action failed (ActionError: its own status and message; anything else: 500).",
    action: "Read the message; an unexpected failure is in the server's log.",
  },
  accounts_not_chosen: {
    http: [409],
    actor: "end_user",
    message: "The end user has not chosen any Microsoft Advertising account for this connection yet.",
    action: "Let them choose in a change-accounts session, set selected_account_ids (PATCH /connections/:id), or name an account_id.",
  },
  invalid_header: {
    http: [400],
    actor: "product_team",
    message: "A proxy header (Connection-Id, Account-Id, Customer-Id…) is not valid.",
    action: "Fix the header named in `error.errors`.",
  },
  proxy_refused: {
    http: [400, 405],
    actor: "product_team",
    message: "The proxy does not send this request on (method, path or header refused).",
    action: "Call a Microsoft Advertising API path with GET, POST, PUT, PATCH or DELETE; let the proxy set credentials.",
  },
  account_not_in_connection: {
    http: [403],
    actor: "product_team",
    message: "The account is not one of this connection's Microsoft Advertising accounts.",
    action: "Use an account id from the connection's `accounts`.",
  },
  proxy_redirect_refused: {
    http: [502],
    actor: "none",
    message: "Microsoft Advertising redirected outside its allowed hosts; the redirect was not followed.",
    action: "Retry; if it persists, report it with the TrackingId.",
  },
  proxy_response_too_large: {
    http: [502],
    actor: "product_team",
    message: "Microsoft's answer is larger than PROXY_MAX_RESPONSE_BYTES.",
    action: "Ask for less (paging, fewer columns), or the operator raises PROXY_MAX_RESPONSE_BYTES.",
  },
  report_download_refused: {
    http: [502],
    actor: "operator",
    message: "The report's download URL is not a Microsoft Advertising report host over https; nothing was fetched.",
    action: "If Microsoft added a report host, add it to REPORT_DOWNLOAD_HOSTS.",
  },
  report_too_large: {
    http: [502],
    actor: "product_team",
    message: "The report is larger than REPORT_MAX_DOWNLOAD_BYTES or REPORT_MAX_CSV_BYTES.",
    action: "Request a shorter period or fewer columns, or the operator raises the limits.",
  },
  report_invalid: {
    http: [502],
    actor: "none",
    message: "The downloaded report could not be read (not a ZIP with one CSV).",
    action: "Retry; if it persists, report it.",
  },
  report_failed: {
    http: [502],
    actor: "none",
    message: "Microsoft Advertising could not build the report (its status was Error).",
    action: "Nothing to do: the sync tries again at its next run; if it persists, report it.",
  },
  msads_error: {
    http: [400, 401, 403, 404, 502],
    actor: "product_team",
    message: "Microsoft Advertising refused the call (its status kept for 4xx; 502 for 5xx or a fault).",
    action: "Read `error.msads` (Microsoft's codes) and quote its tracking_id to Microsoft support if needed.",
  },
  msads_rate_limited: {
    http: [429],
    actor: "none",
    message: "Microsoft Advertising is throttling calls for this customer.",
    action: "Wait for `Retry-After` before calling again for this customer.",
  },
  msads_unreachable: {
    http: [499, 502, 503, 504],
    actor: "none",
    message: "Microsoft Advertising could not be reached (or the call was cancelled).",
    action: RETRY,
  },
  msads_timeout: {
    http: [504],
    actor: "none",
    message: "Microsoft Advertising did not answer within PROXY_TIMEOUT_SECONDS (or REPORT_DOWNLOAD_TIMEOUT_SECONDS).",
    action: "Retry; for long calls the operator raises the timeout.",
  },
  msads_invalid_response: {
    http: [502],
    actor: "none",
    message: "Microsoft Advertising gave an answer this server could not read.",
    action: "Retry; if it persists, report it.",
  },
  msads_not_configured: {
    http: [503],
    actor: "operator",
    message: "Sign-in uses the Entra emulator but MICROSOFT_ADS_API_URL is not set, so nothing was sent to Microsoft Advertising.",
    action: "Start the Microsoft Advertising emulator (npx msads-emulator) and set MICROSOFT_ADS_API_URL (development only).",
  },
  console_off: {
    http: [404],
    actor: "operator",
    message: "The operator console is off: no CONSOLE_OPERATOR_KEY is set.",
    action: "Set CONSOLE_OPERATOR_KEY (at least 32 random characters, not an API secret key) and restart the server.",
  },
  console_sign_in_required: {
    http: [401],
    actor: "operator",
    message: "Sign in to the operator console first (no session, or it expired).",
    action: "Open /console and sign in with the operator key.",
  },
  console_key_invalid: {
    http: [401],
    actor: "operator",
    message: "That is not the operator key.",
    action: "Type the value of CONSOLE_OPERATOR_KEY exactly (not an API secret key).",
  },
  console_request_refused: {
    http: [403],
    actor: "operator",
    message: "A console change must come from the console's own page (Origin and the console's request header).",
    action: "Use the console at /console; another site cannot make changes with your session.",
  },
  confirmation_mismatch: {
    http: [400],
    actor: "operator",
    message: "The typed confirmation does not match.",
    action: "Type the connection id exactly to confirm the deletion.",
  },
  credentials_unreadable: {
    http: [409],
    actor: "operator",
    message: "The connection's stored tokens cannot be decrypted with the configured keys.",
    action: "Put the missing key back into ENCRYPTION_KEYS (see key rotation), or the end user reconnects.",
  },
  user_cancelled: { http: popup, actor: "end_user", message: "You cancelled. Nothing was connected.", action: "Connect again when ready." },
  popup_blocked: {
    http: popup,
    actor: "end_user",
    message: "Your browser blocked the Microsoft sign-in window.",
    action: "Allow pop-ups for this site, then try again.",
  },
  session_token_unavailable: {
    http: popup,
    actor: "product_team",
    message: "The widget could not get a connect session token from your backend.",
    action: "Check the widget's getSessionToken and the backend endpoint that creates connect sessions.",
  },
  redirect_result_invalid: {
    http: [401, 403],
    actor: "end_user",
    message: "This sign-in result was already read, has expired, or belongs to another site.",
    action: "Connect again from the app.",
  },
  database_busy: { http: [503], actor: "none", message: "The database is busy (locked by another process).", action: RETRY },
  server_restarting: { http: popup, actor: "none", message: "The server restarted before the account was saved.", action: RETRY },
  sign_in_interrupted: { http: popup, actor: "none", message: "The sign-in was interrupted before the account was saved.", action: RETRY },
  database_unavailable: {
    http: [503],
    actor: "operator",
    message: "The database is unreachable right now.",
    action: "Clients retry after `Retry-After`; the operator checks PostgreSQL (DATABASE_URL) if it lasts.",
  },
  internal_error: {
    http: [500],
    actor: "operator",
    message: "Something went wrong on the server. It has been logged.",
    action: "Find the error in the server's log and report it.",
  },
};
