import { z } from "zod";

/**
 * Every error code ads-connect returns, in API errors, popup results, session status and connection
 * errors. One list so the server, the widget and product backends agree on the words.
 *
 * @example
 * ```ts
 * import { ERROR_CODES, type ErrorCode } from "@ads-connect/node";
 *
 * const isErrorCode = (code: string): code is ErrorCode => (ERROR_CODES as readonly string[]).includes(code);
 * ```
 */
export const ERROR_CODES = [
  // request problems (product backend or widget sent something wrong)
  "invalid_body",
  "invalid_query",
  "invalid_json",
  "payload_too_large",
  "unauthorized",
  "not_found",
  "unknown_provider_config",
  "integration_not_allowed",
  "rate_limited",
  // connect session and attempt
  "connect_session_invalid",
  "connect_session_expired",
  "connect_session_used",
  "origin_not_allowed",
  "state_invalid",
  "state_already_used",
  "attempt_expired",
  "attempt_browser_mismatch",
  "too_many_attempts",
  "pkce_mismatch",
  "nonce_mismatch",
  "id_token_invalid",
  "offline_access_missing",
  "reconnect_account_mismatch",
  // Microsoft said no (see the AADSTS catalogue)
  "consent_declined",
  "admin_consent_required",
  "mfa_required",
  "conditional_access_blocked",
  "login_required",
  "account_not_allowed",
  "invalid_scope",
  "redirect_uri_mismatch",
  "invalid_client_secret",
  "client_secret_expired",
  "app_not_found",
  "app_not_multitenant",
  "tenant_not_found",
  "grant_expired",
  "code_already_redeemed",
  "provider_temporarily_unavailable",
  "provider_error",
  // actions (POST /action/trigger)
  "unknown_action",
  "invalid_action_input",
  "invalid_action_output",
  "action_failed",
  "accounts_not_chosen",
  // the proxy to Microsoft Advertising (/proxy/*)
  "invalid_header",
  "proxy_refused",
  "account_not_in_connection",
  "proxy_redirect_refused",
  "proxy_response_too_large",
  // a report's download (get-performance-report)
  "report_download_refused",
  "report_too_large",
  "report_invalid",
  "report_failed",
  // Microsoft Advertising answered a call made for a connection (the proxy's or an action's)
  "msads_error",
  "msads_rate_limited",
  "msads_unreachable",
  "msads_timeout",
  "msads_invalid_response",
  "msads_not_configured",
  // the operator console (/console)
  "console_off",
  "console_sign_in_required",
  "console_key_invalid",
  "console_request_refused",
  "confirmation_mismatch",
  // this server's own state
  "credentials_unreadable",
  // widget-side outcomes
  "user_cancelled",
  "popup_blocked",
  "session_token_unavailable",
  "redirect_result_invalid",
  // server availability (the sign-in can simply be tried again)
  "database_busy",
  "server_restarting",
  "sign_in_interrupted",
  "database_unavailable",
  // last resort
  "internal_error",
] as const;

/**
 * A zod enum of {@link ERROR_CODES}.
 *
 * @example
 * ```ts
 * import { ErrorCodeSchema } from "@ads-connect/node";
 *
 * const code = ErrorCodeSchema.safeParse(json);
 * if (code.success && code.data === "rate_limited") console.log("slow down and retry");
 * ```
 */
export const ErrorCodeSchema = z.enum(ERROR_CODES);

/**
 * One of {@link ERROR_CODES}.
 *
 * @example
 * ```ts
 * import { ERROR_CATALOGUE, type ErrorCode } from "@ads-connect/node";
 *
 * const retryable = (code: ErrorCode) => ERROR_CATALOGUE[code].actor === "none";
 * ```
 */
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/**
 * Who has to do something about an error.
 *
 * @example
 * ```ts
 * import { ErrorActorSchema } from "@ads-connect/node";
 *
 * const actor = ErrorActorSchema.parse(json);
 * if (actor === "end_user_admin") console.log("the user's administrator must act");
 * ```
 */
export const ErrorActorSchema = z.enum(["end_user", "end_user_admin", "product_team", "none"]);

/**
 * A parsed {@link ErrorActorSchema}: who must act on an error.
 *
 * @example
 * ```ts
 * import type { ErrorActor } from "@ads-connect/node";
 *
 * const audience: Record<ErrorActor, string> = { end_user: "you", end_user_admin: "your administrator", product_team: "our team", none: "nobody" };
 * ```
 */
export type ErrorActor = z.infer<typeof ErrorActorSchema>;

/**
 * What Microsoft Advertising said when a call made for a connection failed (the error body's `msads`; no request headers: they hold tokens).
 *
 * @example
 * ```ts
 * import { MsAdsErrorDetailsSchema } from "@ads-connect/node";
 *
 * const msads = MsAdsErrorDetailsSchema.parse(json); // an error body's `msads`
 * if (msads.codes.includes(117)) console.log("throttled by Microsoft; TrackingId", msads.tracking_id);
 * ```
 */
export const MsAdsErrorDetailsSchema = z.object({
  /** Microsoft's HTTP status (the proxy answers 502 for its 5xx and for a fault in a 2xx). */
  http_status: z.number().int().nullable(),
  /** "AdApiFaultDetail", "ApiFault", or null when the body is no fault. */
  fault_type: z.string().nullable(),
  /** Microsoft's numeric codes, e.g. [109], [117]. */
  codes: z.array(z.number()),
  errors: z.array(z.object({ code: z.number(), error_code: z.string().nullable(), message: z.string().nullable(), detail: z.string().nullable() })),
  /** Quote it to Microsoft support. */
  tracking_id: z.string().nullable(),
});

/**
 * A parsed {@link MsAdsErrorDetailsSchema}: Microsoft Advertising's own words on a failed call.
 *
 * @example
 * ```ts
 * import type { MsAdsErrorDetails } from "@ads-connect/node";
 *
 * const supportNote = (msads: MsAdsErrorDetails) => `Microsoft codes ${msads.codes.join(", ")}, TrackingId ${msads.tracking_id}`;
 * ```
 */
export type MsAdsErrorDetails = z.infer<typeof MsAdsErrorDetailsSchema>;

/**
 * Body of every 4xx/5xx response: `{ error: { code, message, errors?, msads?, raw_body?, operation_id? } }`.
 *
 * @example
 * ```ts
 * import { ApiErrorBodySchema } from "@ads-connect/node";
 *
 * if (!response.ok) {
 *   const { error } = ApiErrorBodySchema.parse(await response.json());
 *   console.log(error.code, error.message, error.msads?.tracking_id);
 * }
 * ```
 */
export const ApiErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() })).optional(),
    /** Microsoft Advertising's own words when it refused a call: numeric codes and the TrackingId to quote to its support. */
    msads: MsAdsErrorDetailsSchema.optional(),
    /** Microsoft's answer as text (at most 64 KB), beside `msads`. */
    raw_body: z.string().optional(),
    /** The operation of the operation log that failed (`GET /logs/operations/:id`), when the request had one. */
    operation_id: z.string().optional(),
  }),
});

/**
 * A parsed {@link ApiErrorBodySchema}: an error answer's body.
 *
 * @example
 * ```ts
 * import type { ApiErrorBody } from "@ads-connect/node";
 *
 * const details = (body: ApiErrorBody) => body.error.errors?.map((e) => `${e.path}: ${e.message}`).join("; ") ?? body.error.message;
 * ```
 */
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;
