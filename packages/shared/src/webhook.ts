import { z } from "zod";
import { AdAccountSchema } from "./adAccount.js";

/**
 * How a connect's account selection came about (our addition to the auth webhook): `chosen` in the
 * picker, `automatic` (one account, or the session's `account_selection: "all"`), `kept` (a reconnect
 * whose selected accounts still exist), `no_accounts` (the user can reach none, or discovery failed),
 * `not_chosen` (the picker was left open until its deadline).
 *
 * @example
 * ```ts
 * import { AccountSelectionOutcomeSchema } from "@ads-connect/node";
 *
 * const outcome = AccountSelectionOutcomeSchema.parse(json); // an auth webhook's `accountSelection`
 * if (outcome === "not_chosen") console.log("remind the user to pick accounts");
 * ```
 */
export const AccountSelectionOutcomeSchema = z.enum(["chosen", "automatic", "kept", "no_accounts", "not_chosen"]);

/**
 * A parsed {@link AccountSelectionOutcomeSchema}: how a connect's account selection came about.
 *
 * @example
 * ```ts
 * import type { AccountSelectionOutcome } from "@ads-connect/node";
 *
 * const needsPicker = (outcome: AccountSelectionOutcome | undefined) => outcome === "not_chosen" || outcome === "no_accounts";
 * ```
 */
export type AccountSelectionOutcome = z.infer<typeof AccountSelectionOutcomeSchema>;

/**
 * Nango-shaped auth webhook body (`type: "auth"`).
 *
 * @example
 * ```ts
 * import { AuthWebhookBodySchema } from "@ads-connect/node";
 *
 * // after checking the signature (verifyWebhookSignature)
 * const event = AuthWebhookBodySchema.safeParse(JSON.parse(rawBody));
 * if (event.success && event.data.operation === "creation" && event.data.success) console.log("connected", event.data.connectionId);
 * ```
 */
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

/**
 * A parsed {@link AuthWebhookBodySchema}: the `auth` webhook sent when a connection is created, refreshed or deleted.
 *
 * @example
 * ```ts
 * import type { AuthWebhookBody } from "@ads-connect/node";
 *
 * function onAuth(event: AuthWebhookBody) {
 *   if (event.operation === "deletion") console.log("disconnected", event.connectionId);
 * }
 * ```
 */
export type AuthWebhookBody = z.infer<typeof AuthWebhookBodySchema>;

/**
 * The header that carries a webhook's HMAC-SHA256 signature of the raw body (Nango's name).
 *
 * @example
 * ```ts
 * import { verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from "@ads-connect/node";
 *
 * const signed = (body: string, headers: Headers) => verifyWebhookSignature(body, headers.get(WEBHOOK_SIGNATURE_HEADER) ?? "", newSigningKey);
 * ```
 */
export const WEBHOOK_SIGNATURE_HEADER = "X-Nango-Hmac-Sha256";

/**
 * Carries the body's `idempotencyKey` too, for receivers that dedupe before parsing.
 *
 * @example
 * ```ts
 * import { WEBHOOK_IDEMPOTENCY_HEADER } from "@ads-connect/node";
 *
 * const handled = new Set<string>(); // keep it in your database when several instances receive webhooks
 * const isDuplicate = (headers: Headers) => handled.has(headers.get(WEBHOOK_IDEMPOTENCY_HEADER) ?? "");
 * ```
 */
export const WEBHOOK_IDEMPOTENCY_HEADER = "X-Ads-Connect-Idempotency-Key";

/**
 * One event in `GET /webhooks/deliveries`, with every attempt to deliver it.
 *
 * @example
 * ```ts
 * import { WebhookDeliverySchema } from "@ads-connect/node";
 *
 * const delivery = WebhookDeliverySchema.parse(json);
 * console.log(delivery.status, delivery.attempts.at(-1)?.status_code);
 * ```
 */
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

/**
 * A parsed {@link WebhookDeliverySchema}: one webhook event and its delivery attempts.
 *
 * @example
 * ```ts
 * import type { WebhookDelivery } from "@ads-connect/node";
 *
 * const lastError = (delivery: WebhookDelivery) => delivery.attempts.at(-1)?.error ?? null;
 * ```
 */
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

/**
 * `GET /webhooks/deliveries` query: at most `limit` events (1-500), optionally of one connection.
 *
 * @example
 * ```ts
 * import { WebhookDeliveriesQuerySchema } from "@ads-connect/node";
 *
 * const query = WebhookDeliveriesQuerySchema.parse({ limit: "20", connectionId });
 * console.log(query.limit); // 20
 * ```
 */
export const WebhookDeliveriesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  connectionId: z.string().min(1).max(200).optional(),
});

/**
 * `GET /webhooks/deliveries`: the webhook delivery log, newest first.
 *
 * @example
 * ```ts
 * import { WebhookDeliveriesResponseSchema } from "@ads-connect/node";
 *
 * const { deliveries } = WebhookDeliveriesResponseSchema.parse(await response.json());
 * const failed = deliveries.filter((d) => d.status === "failed");
 * ```
 */
export const WebhookDeliveriesResponseSchema = z.object({ deliveries: z.array(WebhookDeliverySchema) });
