import { z } from "zod";
import { AdAccountSchema } from "./adAccount.js";

/**
 * How a connect's account selection came about (our addition to the auth webhook): `chosen` in the
 * picker, `automatic` (one account, or the session's `account_selection: "all"`), `kept` (a reconnect
 * whose selected accounts still exist), `no_accounts` (the user can reach none, or discovery failed),
 * `not_chosen` (the picker was left open until its deadline).
 */
export const AccountSelectionOutcomeSchema = z.enum(["chosen", "automatic", "kept", "no_accounts", "not_chosen"]);
export type AccountSelectionOutcome = z.infer<typeof AccountSelectionOutcomeSchema>;

/** Nango-shaped auth webhook body (`type: "auth"`). */
export const AuthWebhookBodySchema = z.object({
  from: z.literal("ads-connect"),
  type: z.literal("auth"),
  operation: z.enum(["creation", "override", "refresh", "deletion"]),
  success: z.boolean(),
  connectionId: z.string(),
  authMode: z.literal("OAUTH2"),
  providerConfigKey: z.string(),
  provider: z.string(),
  environment: z.string(),
  endUser: z
    .object({
      endUserId: z.string(),
      organizationId: z.string().optional(),
      endUserEmail: z.string().nullable().optional(),
      tags: z.record(z.string(), z.string()),
    })
    .optional(),
  tags: z.record(z.string(), z.string()).optional(),
  error: z.object({ type: z.string(), description: z.string() }).optional(),
  /** On a successful creation/override: the ad accounts selected for the connection. */
  selectedAccounts: z.array(AdAccountSchema).optional(),
  accountSelection: AccountSelectionOutcomeSchema.optional(),
  /** The same for every delivery of one event: receivers use it to process each event once. */
  idempotencyKey: z.string(),
});
export type AuthWebhookBody = z.infer<typeof AuthWebhookBodySchema>;

export const WEBHOOK_SIGNATURE_HEADER = "X-Nango-Hmac-Sha256";
/** Carries the body's `idempotencyKey` too, for receivers that dedupe before parsing. */
export const WEBHOOK_IDEMPOTENCY_HEADER = "X-Ads-Connect-Idempotency-Key";

/** One event in `GET /webhooks/deliveries`, with every attempt to deliver it. */
export const WebhookDeliverySchema = z.object({
  id: z.string(),
  /** "auth" (connection events) or "sync" (account changes). */
  type: z.enum(["auth", "sync"]),
  /** The auth event's operation; null for a sync event. */
  operation: AuthWebhookBodySchema.shape.operation.nullable(),
  success: z.boolean(),
  connection_id: z.string(),
  status: z.enum(["pending", "delivered", "failed"]),
  created_at: z.string(),
  delivered_at: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  attempts: z.array(z.object({ at: z.string(), status_code: z.number().int().nullable(), error: z.string().nullable(), duration_ms: z.number().int() })),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;
export const WebhookDeliveriesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  connectionId: z.string().min(1).max(200).optional(),
});
export const WebhookDeliveriesResponseSchema = z.object({ deliveries: z.array(WebhookDeliverySchema) });
