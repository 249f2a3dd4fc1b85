import { z } from "zod";
import { AD_ACCOUNT_MODEL, AdAccountRecordSchema } from "./adAccount.js";
import {
  CAMPAIGN_MODEL,
  CAMPAIGN_PERFORMANCE_DAILY_MODEL,
  CAMPAIGN_PERFORMANCE_DAILY_SYNC_NAME,
  CAMPAIGNS_SYNC_NAME,
  CampaignPerformanceDailyRecordSchema,
  CampaignRecordSchema,
} from "./syncModels.js";

/**
 * The sync that keeps a connection's accounts (Nango's `syncName`).
 *
 * @example
 * ```ts
 * import { ACCOUNTS_SYNC_NAME, PROVIDER_CONFIG_KEY, type TriggerSyncBody } from "@ads-connect/node";
 *
 * const body: TriggerSyncBody = { provider_config_key: PROVIDER_CONFIG_KEY, connection_id: connectionId, syncs: [ACCOUNTS_SYNC_NAME] };
 * ```
 */
export const ACCOUNTS_SYNC_NAME = "accounts";

/**
 * Why the last account discovery or sync failed (null once one succeeded). The connection stays
 * connected; the sync job retries at `retry_at`, and `POST /connections/:id/sync` retries now.
 *
 * @example
 * ```ts
 * import { AccountsErrorSchema } from "@ads-connect/node";
 *
 * const error = AccountsErrorSchema.parse(json); // a connection's `accounts_error`
 * if (error.msads_codes.includes(105)) console.log("Microsoft refused the credentials; next try at", error.retry_at);
 * ```
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

/**
 * A parsed {@link AccountsErrorSchema}: why the last account discovery or sync failed.
 *
 * @example
 * ```ts
 * import type { AccountsError } from "@ads-connect/node";
 *
 * function supportNote(error: AccountsError): string {
 *   return `${error.code} at ${error.at} (TrackingId ${error.tracking_id ?? "none"})`;
 * }
 * ```
 */
export type AccountsError = z.infer<typeof AccountsErrorSchema>;

/**
 * Added/updated/deleted counts of one sync run (Nango's `SyncResult`).
 *
 * @example
 * ```ts
 * import { SyncResultCountsSchema } from "@ads-connect/node";
 *
 * const { added, updated, deleted } = SyncResultCountsSchema.parse({ added: 2, updated: 0, deleted: 1 });
 * ```
 */
export const SyncResultCountsSchema = z.object({ added: z.number().int(), updated: z.number().int(), deleted: z.number().int() });

/**
 * Nango-shaped `sync` webhook body, sent (signed, through the outbox) when a sync changed any
 * record of its model (one webhook per model and run). `modifiedAfter` is what to pass as `modified_after` to `GET /records` for the changes.
 *
 * @example
 * ```ts
 * import { SyncWebhookBodySchema } from "@ads-connect/node";
 *
 * // after checking the signature (verifyWebhookSignature)
 * const body = SyncWebhookBodySchema.parse(JSON.parse(rawBody));
 * const { records } = await client.listRecords({ connectionId: body.connectionId, modifiedAfter: body.modifiedAfter });
 * ```
 */
export const SyncWebhookBodySchema = z.object({
  from: z.literal("ads-connect"),
  type: z.literal("sync"),
  connectionId: z.string(),
  providerConfigKey: z.string(),
  syncName: z.enum([ACCOUNTS_SYNC_NAME, CAMPAIGNS_SYNC_NAME, CAMPAIGN_PERFORMANCE_DAILY_SYNC_NAME]),
  model: z.enum([AD_ACCOUNT_MODEL, CAMPAIGN_MODEL, CAMPAIGN_PERFORMANCE_DAILY_MODEL]),
  /** The same as `model` (the name the issue and some Nango docs use). */
  modelName: z.enum([AD_ACCOUNT_MODEL, CAMPAIGN_MODEL, CAMPAIGN_PERFORMANCE_DAILY_MODEL]),
  /** INITIAL for the first run of a sync for a connection (the accounts' discovery, a backfill), INCREMENTAL afterwards. */
  syncType: z.enum(["INITIAL", "INCREMENTAL"]),
  success: z.literal(true),
  modifiedAfter: z.string(),
  /** Nango's legacy name for modifiedAfter. */
  queryTimeStamp: z.string().nullable(),
  responseResults: SyncResultCountsSchema,
  /** Our addition: accounts the end user had selected that are gone now (marked deleted); always empty for the campaign syncs. */
  removedSelectedAccountIds: z.array(z.string()),
  idempotencyKey: z.string(),
});

/**
 * A parsed {@link SyncWebhookBodySchema}: the `sync` webhook sent when a connection's accounts changed.
 *
 * @example
 * ```ts
 * import type { SyncWebhookBody } from "@ads-connect/node";
 *
 * function onSync(event: SyncWebhookBody) {
 *   console.log(`${event.connectionId}: ${event.responseResults.added} added, ${event.removedSelectedAccountIds.length} selected gone`);
 * }
 * ```
 */
export type SyncWebhookBody = z.infer<typeof SyncWebhookBodySchema>;

/**
 * `GET /records` query (Nango's); `Connection-Id` and `Provider-Config-Key` come as headers.
 *
 * @example
 * ```ts
 * import { RecordsQuerySchema } from "@ads-connect/node";
 *
 * const query = RecordsQuerySchema.parse({ model: "AdAccount", limit: "100", ids: "123456789" });
 * console.log(query.limit, query.ids); // 100 ["123456789"]
 * ```
 */
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
  /** Only these record ids (repeat the parameter: `ids=1&ids=2`). */
  ids: z
    .union([z.string().max(64), z.array(z.string().max(64)).max(1000)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional(),
});

/**
 * A parsed {@link RecordsQuerySchema}: the `GET /records` query.
 *
 * @example
 * ```ts
 * import type { RecordsQuery } from "@ads-connect/node";
 *
 * const query: RecordsQuery = { model: "AdAccount", modified_after: "2026-01-01T00:00:00Z", filter: "added,updated" };
 * ```
 */
export type RecordsQuery = z.infer<typeof RecordsQuerySchema>;

/**
 * `GET /records`: a page of records of one model (AdAccount, Campaign or CampaignPerformanceDaily) and the cursor of the next page (null on the last).
 *
 * @example
 * ```ts
 * import { RecordsResponseSchema } from "@ads-connect/node";
 *
 * const { records, next_cursor } = RecordsResponseSchema.parse(await response.json());
 * for (const record of records) console.log(record.id, record._nango_metadata.last_action);
 * ```
 */
export const RecordsResponseSchema = z.object({
  records: z.array(z.union([AdAccountRecordSchema, CampaignRecordSchema, CampaignPerformanceDailyRecordSchema])),
  next_cursor: z.string().nullable(),
});

/**
 * A parsed {@link RecordsResponseSchema}: one page of `GET /records`.
 *
 * @example
 * ```ts
 * import type { RecordsResponse } from "@ads-connect/node";
 *
 * const deletedIds = (page: RecordsResponse) => page.records.filter((r) => r._nango_metadata.deleted_at !== null).map((r) => r.id);
 * ```
 */
export type RecordsResponse = z.infer<typeof RecordsResponseSchema>;

/**
 * `POST /connections/:id/sync`: the sync ran now; a Microsoft failure is reported, not thrown.
 *
 * @example
 * ```ts
 * import { SyncNowResponseSchema } from "@ads-connect/node";
 *
 * const result = SyncNowResponseSchema.parse(await response.json());
 * if (!result.success) console.warn(result.accounts_error?.message);
 * ```
 */
export const SyncNowResponseSchema = z.object({
  success: z.boolean(),
  results: SyncResultCountsSchema.nullable(),
  accounts_error: AccountsErrorSchema.nullable(),
});

/**
 * A parsed {@link SyncNowResponseSchema}: what `POST /connections/:id/sync` (`client.triggerSync`) answers.
 *
 * @example
 * ```ts
 * import type { SyncNowResponse } from "@ads-connect/node";
 *
 * const result: SyncNowResponse = await client.triggerSync(connectionId);
 * console.log(result.results?.added ?? result.accounts_error?.code);
 * ```
 */
export type SyncNowResponse = z.infer<typeof SyncNowResponseSchema>;

/**
 * Nango's `POST /sync/trigger` body, for clients written against Nango.
 *
 * @example
 * ```ts
 * import { TriggerSyncBodySchema } from "@ads-connect/node";
 *
 * const body = TriggerSyncBodySchema.parse({ provider_config_key: "microsoft-ads", connection_id: connectionId, syncs: [] });
 * ```
 */
export const TriggerSyncBodySchema = z.object({
  provider_config_key: z.string().max(255),
  connection_id: z.string().min(1).max(255),
  /** Empty means every sync (here: the one). */
  syncs: z.array(z.union([z.string(), z.object({ name: z.string(), variant: z.string().optional() })])).max(10),
  sync_mode: z.enum(["incremental", "full_refresh", "full_refresh_and_clear_cache"]).optional(),
  full_resync: z.boolean().optional(),
  opts: z.looseObject({ reset: z.boolean().optional(), emptyCache: z.boolean().optional() }).optional(),
});

/**
 * A parsed {@link TriggerSyncBodySchema}: Nango's `POST /sync/trigger` body.
 *
 * @example
 * ```ts
 * import type { TriggerSyncBody } from "@ads-connect/node";
 *
 * const body: TriggerSyncBody = { provider_config_key: "microsoft-ads", connection_id: connectionId, syncs: ["accounts"] };
 * const headers = { Authorization: `Bearer ${secretKey}`, "Content-Type": "application/json" };
 * await fetch(`${serverUrl}/sync/trigger`, { method: "POST", headers, body: JSON.stringify(body) });
 * ```
 */
export type TriggerSyncBody = z.infer<typeof TriggerSyncBodySchema>;
