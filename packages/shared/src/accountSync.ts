import { z } from "zod";
import { AD_ACCOUNT_MODEL, AdAccountRecordSchema } from "./adAccount.js";

/** The sync that keeps a connection's accounts (Nango's `syncName`). */
export const ACCOUNTS_SYNC_NAME = "accounts";

/**
 * Why the last account discovery or sync failed (null once one succeeded). The connection stays
 * connected; the sync job retries at `retry_at`, and `POST /connections/:id/sync` retries now.
 */
export const AccountsErrorSchema = z.object({
  /** e.g. "msads_invalid_credentials" (105), "msads_rate_limited" (117), "msads_unreachable". */
  code: z.string(),
  message: z.string(),
  at: z.string(),
  /** Microsoft Advertising's numeric fault codes, e.g. [105]; empty when Microsoft did not answer with a fault. */
  msads_codes: z.array(z.number().int()),
  /** Microsoft's TrackingId of the failed call (quote it to Microsoft support). */
  tracking_id: z.string().nullable(),
  retry_at: z.string().nullable(),
});
export type AccountsError = z.infer<typeof AccountsErrorSchema>;

/** Added/updated/deleted counts of one sync run (Nango's `SyncResult`). */
export const SyncResultCountsSchema = z.object({ added: z.number().int(), updated: z.number().int(), deleted: z.number().int() });

/**
 * Nango-shaped `sync` webhook body, sent (signed, through the outbox) when a sync changed any
 * account. `modifiedAfter` is what to pass as `modified_after` to `GET /records` for the changes.
 */
export const SyncWebhookBodySchema = z.object({
  from: z.literal("ads-connect"),
  type: z.literal("sync"),
  connectionId: z.string(),
  providerConfigKey: z.string(),
  syncName: z.literal(ACCOUNTS_SYNC_NAME),
  model: z.literal(AD_ACCOUNT_MODEL),
  /** The same as `model` (the name the issue and some Nango docs use). */
  modelName: z.literal(AD_ACCOUNT_MODEL),
  /** INITIAL for the discovery of a new connection, INCREMENTAL afterwards. */
  syncType: z.enum(["INITIAL", "INCREMENTAL"]),
  success: z.literal(true),
  modifiedAfter: z.string(),
  /** Nango's legacy name for modifiedAfter. */
  queryTimeStamp: z.string().nullable(),
  responseResults: SyncResultCountsSchema,
  /** Our addition: accounts the end user had selected that are gone now (marked deleted). */
  removedSelectedAccountIds: z.array(z.string()),
  idempotencyKey: z.string(),
});
export type SyncWebhookBody = z.infer<typeof SyncWebhookBodySchema>;

/** `GET /records` query (Nango's); `Connection-Id` and `Provider-Config-Key` come as headers. */
export const RecordsQuerySchema = z.object({
  model: z.string().min(1).max(255),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  modified_after: z.iso.datetime({ offset: true }).optional(),
  /** Comma-separated last actions to keep: added, updated, deleted (any case). */
  filter: z
    .string()
    .max(50)
    .regex(/^(added|updated|deleted)(,(added|updated|deleted))*$/i, "must list added, updated and/or deleted, comma-separated")
    .optional(),
  /** Only these account ids (repeat the parameter: `ids=1&ids=2`). */
  ids: z
    .union([z.string().max(64), z.array(z.string().max(64)).max(1000)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional(),
});
export type RecordsQuery = z.infer<typeof RecordsQuerySchema>;

export const RecordsResponseSchema = z.object({ records: z.array(AdAccountRecordSchema), next_cursor: z.string().nullable() });
export type RecordsResponse = z.infer<typeof RecordsResponseSchema>;

/** `POST /connections/:id/sync`: the sync ran now; a Microsoft failure is reported, not thrown. */
export const SyncNowResponseSchema = z.object({
  success: z.boolean(),
  results: SyncResultCountsSchema.nullable(),
  accounts_error: AccountsErrorSchema.nullable(),
});
export type SyncNowResponse = z.infer<typeof SyncNowResponseSchema>;

/** Nango's `POST /sync/trigger` body, for clients written against Nango. */
export const TriggerSyncBodySchema = z.object({
  provider_config_key: z.string().max(255),
  connection_id: z.string().min(1).max(255),
  /** Empty means every sync (here: the one). */
  syncs: z.array(z.union([z.string(), z.object({ name: z.string(), variant: z.string().optional() })])).max(10),
  sync_mode: z.enum(["incremental", "full_refresh", "full_refresh_and_clear_cache"]).optional(),
  full_resync: z.boolean().optional(),
  opts: z.looseObject({ reset: z.boolean().optional(), emptyCache: z.boolean().optional() }).optional(),
});
export type TriggerSyncBody = z.infer<typeof TriggerSyncBodySchema>;
