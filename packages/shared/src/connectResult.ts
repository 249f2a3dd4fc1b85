import { z } from "zod";
import { AdAccountSchema } from "./adAccount.js";
import { ErrorActorSchema, ErrorCodeSchema } from "./errorCodes.js";

/**
 * The Microsoft account that signed in for a connection: user name, display name, Entra tenant, and whether it is a work or a personal account.
 *
 * @example
 * ```ts
 * import { AccountSchema } from "@ads-connect/node";
 *
 * const account = AccountSchema.parse(json);
 * if (account.account_type === "personal") console.log(`${account.username} is a personal Microsoft account`);
 * ```
 */
export const AccountSchema = z.object({
  username: z.string(),
  display_name: z.string().nullable(),
  tenant_id: z.string(),
  account_type: z.enum(["work", "personal"]),
});

/**
 * A parsed {@link AccountSchema}: the Microsoft account behind a connection.
 *
 * @example
 * ```ts
 * import type { Account } from "@ads-connect/node";
 *
 * const signedInAs = (account: Account) => account.display_name ?? account.username;
 * ```
 */
export type Account = z.infer<typeof AccountSchema>;

/**
 * Why a connect attempt failed: the error code, a plain message, who must act, and Microsoft's AADSTS number if it raised the error.
 *
 * @example
 * ```ts
 * import { ConnectErrorSchema } from "@ads-connect/node";
 *
 * const error = ConnectErrorSchema.parse(json);
 * if (error.code === "admin_consent_required") console.log("Send your administrator:", error.admin_consent_url);
 * ```
 */
export const ConnectErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  actor: ErrorActorSchema,
  /** Microsoft's own error number (AADSTSnnnn), when Microsoft raised it. */
  aadsts: z.number().int().nullable(),
  /**
   * With `admin_consent_required`: a link the user sends to their organization's administrator,
   * who approves the app for everyone there; then the user connects again.
   */
  admin_consent_url: z.url({ protocol: /^https?$/ }).optional(),
});

/**
 * A parsed {@link ConnectErrorSchema}: a failed connect attempt's error.
 *
 * @example
 * ```ts
 * import type { ConnectError } from "@ads-connect/node";
 *
 * const shownMessage = (error: ConnectError) => (error.actor === "product_team" ? "Something is wrong on our side." : error.message);
 * ```
 */
export type ConnectError = z.infer<typeof ConnectErrorSchema>;

/**
 * The `type` of a successful {@link ConnectResult}: `ads-connect:success`.
 *
 * @example
 * ```ts
 * import { CONNECT_SUCCESS, type ConnectResult } from "@ads-connect/node";
 *
 * function onResult(result: ConnectResult) {
 *   if (result.type === CONNECT_SUCCESS) console.log("connected", result.connection_id);
 * }
 * ```
 */
export const CONNECT_SUCCESS = "ads-connect:success";

/**
 * The `type` of a failed {@link ConnectResult}: `ads-connect:error`.
 *
 * @example
 * ```ts
 * import { CONNECT_ERROR, type ConnectResult } from "@ads-connect/node";
 *
 * function onResult(result: ConnectResult) {
 *   if (result.type === CONNECT_ERROR) console.log(result.error.code, result.error.message);
 * }
 * ```
 */
export const CONNECT_ERROR = "ads-connect:error";

/**
 * The outcome of one connect attempt. The result page posts it to the widget's window
 * (`postMessage`) and the session status endpoint returns it for the polling fallback.
 *
 * @example
 * ```ts
 * import { ConnectResultSchema } from "@ads-connect/node";
 *
 * const result = ConnectResultSchema.parse(json);
 * if (result.type === "ads-connect:success") console.log(result.connection_id, result.accounts.length);
 * else console.log(result.error.message);
 * ```
 */
export const ConnectResultSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal(CONNECT_SUCCESS),
    connection_id: z.string(),
    provider_config_key: z.string(),
    operation: z.enum(["creation", "override"]),
    account: AccountSchema,
    /** The Microsoft Advertising accounts chosen for this connection (in the picker, or without asking); may be empty. */
    accounts: z.array(AdAccountSchema),
  }),
  z.object({
    type: z.literal(CONNECT_ERROR),
    error: ConnectErrorSchema,
  }),
]);

/**
 * A parsed {@link ConnectResultSchema}: a connect attempt's success or error.
 *
 * @example
 * ```ts
 * import { CONNECT_SUCCESS, type ConnectResult } from "@ads-connect/node";
 *
 * const connectionOf = (result: ConnectResult) => (result.type === CONNECT_SUCCESS ? result.connection_id : null);
 * ```
 */
export type ConnectResult = z.infer<typeof ConnectResultSchema>;

/**
 * The success case of {@link ConnectResult}: the new connection, the Microsoft account and the chosen ad accounts.
 *
 * @example
 * ```ts
 * import type { ConnectSuccess } from "@ads-connect/node";
 *
 * function save(success: ConnectSuccess) {
 *   console.log(success.connection_id, success.account.username, success.accounts.map((a) => a.id));
 * }
 * ```
 */
export type ConnectSuccess = Extract<ConnectResult, { type: typeof CONNECT_SUCCESS }>;

/**
 * Every status of a connect session, as `GET /connect/session/status` reports it.
 *
 * @example
 * ```ts
 * import { SESSION_STATUSES, type SessionStatus } from "@ads-connect/node";
 *
 * const isSessionStatus = (s: string): s is SessionStatus => (SESSION_STATUSES as readonly string[]).includes(s);
 * ```
 */
export const SESSION_STATUSES = ["pending", "authorizing", "success", "error", "expired"] as const;

/**
 * `GET /connect/session/status` (authenticated by the connect session token).
 *
 * @example
 * ```ts
 * import { SessionStatusResponseSchema } from "@ads-connect/node";
 *
 * const { data } = SessionStatusResponseSchema.parse(await response.json());
 * if (data.result?.type === "ads-connect:success") console.log("connected", data.result.connection_id);
 * ```
 */
export const SessionStatusResponseSchema = z.object({
  data: z.object({
    status: z.enum(SESSION_STATUSES),
    expires_at: z.string(),
    /** When the latest attempt started (its start page opened, then again when it went to Microsoft); null before any attempt. */
    attempt_started_at: z.string().nullable(),
    /** The `flow` id the widget passed when it started the latest attempt, so it only takes its own result. */
    flow: z.string().nullable(),
    result: ConnectResultSchema.nullable(),
  }),
});

/**
 * A parsed {@link SessionStatusResponseSchema}: a connect session's status and latest result.
 *
 * @example
 * ```ts
 * import type { SessionStatusResponse } from "@ads-connect/node";
 *
 * const finished = (answer: SessionStatusResponse) => !["pending", "authorizing"].includes(answer.data.status);
 * ```
 */
export type SessionStatusResponse = z.infer<typeof SessionStatusResponseSchema>;

/**
 * A connect session's status: `pending`, `authorizing`, `success`, `error` or `expired`.
 *
 * @example
 * ```ts
 * import type { SessionStatus } from "@ads-connect/node";
 *
 * const final: SessionStatus[] = ["success", "error", "expired"];
 * ```
 */
export type SessionStatus = SessionStatusResponse["data"]["status"];
