import { z } from "zod";
import { AdAccountSchema } from "./adAccount.js";
import { ErrorActorSchema, ErrorCodeSchema } from "./errorCodes.js";

export const AccountSchema = z.object({
  username: z.string(),
  display_name: z.string().nullable(),
  tenant_id: z.string(),
  account_type: z.enum(["work", "personal"]),
});
export type Account = z.infer<typeof AccountSchema>;

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
export type ConnectError = z.infer<typeof ConnectErrorSchema>;

export const CONNECT_SUCCESS = "ads-connect:success";
export const CONNECT_ERROR = "ads-connect:error";

/**
 * The outcome of one connect attempt. The result page posts it to the widget's window
 * (`postMessage`) and the session status endpoint returns it for the polling fallback.
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
export type ConnectResult = z.infer<typeof ConnectResultSchema>;
export type ConnectSuccess = Extract<ConnectResult, { type: typeof CONNECT_SUCCESS }>;

export const SESSION_STATUSES = ["pending", "authorizing", "success", "error", "expired"] as const;

/** `GET /connect/session/status` (authenticated by the connect session token). */
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
export type SessionStatusResponse = z.infer<typeof SessionStatusResponseSchema>;
export type SessionStatus = SessionStatusResponse["data"]["status"];
