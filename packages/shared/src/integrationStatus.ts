import { z } from "zod";
import { ErrorActorSchema } from "./errorCodes.js";

/**
 * Every connection status, the keys of the integration status's `connections.by_status`.
 *
 * @example
 * ```ts
 * import { CONNECTION_STATUSES } from "@ads-connect/node";
 *
 * const { data } = await client.getIntegrationStatus();
 * for (const status of CONNECTION_STATUSES) console.log(status, data.connections.by_status[status]);
 * ```
 */
export const CONNECTION_STATUSES = ["connected", "refreshing", "expired", "error"] as const;

/**
 * Something the product team should fix, in plain language.
 *
 * @example
 * ```ts
 * import { IntegrationProblemSchema } from "@ads-connect/node";
 *
 * const problem = IntegrationProblemSchema.parse(json);
 * console.log(problem.code, problem.message, problem.aadsts);
 * ```
 */
export const IntegrationProblemSchema = z.object({
  code: z.string(),
  message: z.string(),
  aadsts: z.number().int().nullable(),
  since: z.string().nullable(),
});

/**
 * A parsed {@link IntegrationProblemSchema}: a problem of the integration's setup.
 *
 * @example
 * ```ts
 * import type { IntegrationProblem } from "@ads-connect/node";
 *
 * const line = (p: IntegrationProblem) => `${p.code} (since ${p.since ?? "unknown"}): ${p.message}`;
 * ```
 */
export type IntegrationProblem = z.infer<typeof IntegrationProblemSchema>;

/**
 * `GET /integrations/microsoft-ads/status` (secret key): is the integration healthy, and if not, why.
 *
 * @example
 * ```ts
 * import { IntegrationStatusResponseSchema } from "@ads-connect/node";
 *
 * const { data } = IntegrationStatusResponseSchema.parse(await response.json());
 * if (data.client_secret.state === "expiring_soon") console.warn(`client secret: ${data.client_secret.days_left} days left`);
 * ```
 */
export const IntegrationStatusResponseSchema = z.object({
  data: z.object({
    integration_id: z.string(),
    /** Client id and secret set, and nothing known to be wrong with them (see `problems`). */
    configured: z.boolean(),
    identity_provider: z.object({
      /** `emulator`: the local Entra emulator (development and tests only). */
      kind: z.enum(["entra", "emulator"]),
      authority: z.string(),
      client_id: z.string(),
      tenant: z.string(),
    }),
    ads_environment: z.enum(["production", "sandbox"]),
    /** Register both in the Entra app registration (Web platform). */
    redirect_uris: z.object({ sign_in: z.string(), admin_consent: z.string() }),
    last_successful_connect_at: z.string().nullable(),
    last_successful_refresh_at: z.string().nullable(),
    connections: z.object({ total: z.number().int(), by_status: z.record(z.enum(CONNECTION_STATUSES), z.number().int()) }),
    errors_last_24h: z.array(
      z.object({
        code: z.string(),
        actor: ErrorActorSchema.nullable(),
        count: z.number().int(),
        last_at: z.string(),
        aadsts: z.array(z.number().int()),
      }),
    ),
    client_secret: z.object({
      expires_at: z.string().nullable(),
      days_left: z.number().int().nullable(),
      /** `unknown` when MICROSOFT_CLIENT_SECRET_EXPIRES_AT is not set. */
      state: z.enum(["ok", "expiring_soon", "expired", "unknown"]),
    }),
    /**
     * Which ENCRYPTION_KEYS the stored tokens use: every configured key (the current one, which
     * encrypts, first) with its count of connections, then keys rows use that are not configured
     * (their tokens cannot be read). A key is safe to remove when no connection uses it.
     */
    encryption_keys: z.object({
      current: z.string(),
      in_use: z.array(z.object({ key_id: z.string().nullable(), configured: z.boolean(), connections: z.number().int() })),
    }),
    /**
     * Each valid API secret key (ADS_CONNECT_SECRET_KEY, ADS_CONNECT_SECRET_KEYS) by its fingerprint,
     * the first 8 hex characters of its SHA-256, never the key: requests made with it over every
     * instance and when last (another instance's up to 10 seconds late). During a rotation the old
     * key is safe to remove once its `last_used_at` stops moving.
     */
    secret_keys: z.array(z.object({ fingerprint: z.string(), requests: z.number().int(), last_used_at: z.string().nullable() })),
    /** The key webhooks are signed with now, by its fingerprint (to check every instance moved to a new one). */
    webhook_signing_key: z.object({ fingerprint: z.string() }),
    /**
     * Organizations whose administrator approved the app through an admin-consent link. The approval
     * arrives through the administrator's browser, so it is `pending_verification` until a sign-in
     * from that organization works (`verified`, at `verified_at`).
     */
    admin_consents: z.array(
      z.object({
        tenant_id: z.string(),
        granted_at: z.string(),
        status: z.enum(["pending_verification", "verified"]),
        verified_at: z.string().nullable(),
      }),
    ),
    problems: z.array(IntegrationProblemSchema),
    /**
     * Microsoft Advertising customers whose proxied calls are held now (answered 429 without calling
     * Microsoft) after it throttled them, the longest first (at most 100). `customer_id` is null
     * for a connection's calls without a customer (`connection_id` set then). `reason`:
     * `call_rate_exceeded` (117), `too_many_requests` (a 429 without it), null for older holds.
     */
    holds: z.array(
      z.object({
        customer_id: z.string().nullable(),
        connection_id: z.string().nullable(),
        until: z.string(),
        reason: z.enum(["call_rate_exceeded", "too_many_requests"]).nullable(),
      }),
    ),
  }),
});

/**
 * A parsed {@link IntegrationStatusResponseSchema}: what `client.getIntegrationStatus` returns.
 *
 * @example
 * ```ts
 * import type { IntegrationStatusResponse } from "@ads-connect/node";
 *
 * const answer: IntegrationStatusResponse = await client.getIntegrationStatus();
 * const healthy = answer.data.configured && answer.data.problems.length === 0;
 * ```
 */
export type IntegrationStatusResponse = z.infer<typeof IntegrationStatusResponseSchema>;

/**
 * The `data` of {@link IntegrationStatusResponse}: the integration's setup, counts, secrets, problems and holds.
 *
 * @example
 * ```ts
 * import type { IntegrationStatus } from "@ads-connect/node";
 *
 * function unusedKeys(status: IntegrationStatus) {
 *   return status.encryption_keys.in_use.filter((k) => k.connections === 0).map((k) => k.key_id);
 * }
 * ```
 */
export type IntegrationStatus = IntegrationStatusResponse["data"];
