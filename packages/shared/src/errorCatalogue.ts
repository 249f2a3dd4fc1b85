import { type ErrorCatalogueEntry, popup, RETRY } from "./errorCatalogueEntry.js";
import { SIGN_IN_ERRORS } from "./errorCatalogueSignIn.js";
import type { ErrorCode } from "./errorCodes.js";

export type { ErrorCatalogueActor, ErrorCatalogueEntry } from "./errorCatalogueEntry.js";

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
  // The connect session, the attempt and Microsoft's answers: errorCatalogueSignIn.ts.
  ...SIGN_IN_ERRORS,
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
