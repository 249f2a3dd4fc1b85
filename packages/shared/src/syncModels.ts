import { z } from "zod";
import { RecordMetadataSchema } from "./adAccount.js";

/**
 * The sync that keeps a connection's campaigns (Nango's `syncName`), model {@link CAMPAIGN_MODEL}.
 *
 * @example
 * ```ts
 * import { CAMPAIGNS_SYNC_NAME, PROVIDER_CONFIG_KEY } from "@ads-connect/node";
 *
 * const body = { provider_config_key: PROVIDER_CONFIG_KEY, connection_id: connectionId, syncs: [CAMPAIGNS_SYNC_NAME] };
 * ```
 */
export const CAMPAIGNS_SYNC_NAME = "campaigns";

/**
 * The sync that keeps daily campaign performance, model {@link CAMPAIGN_PERFORMANCE_DAILY_MODEL}.
 *
 * @example
 * ```ts
 * import { CAMPAIGN_PERFORMANCE_DAILY_SYNC_NAME } from "@ads-connect/node";
 *
 * const syncs = [CAMPAIGN_PERFORMANCE_DAILY_SYNC_NAME];
 * ```
 */
export const CAMPAIGN_PERFORMANCE_DAILY_SYNC_NAME = "campaign-performance-daily";

/**
 * The records model of the campaigns sync (`GET /records?model=Campaign`).
 *
 * @example
 * ```ts
 * import { CAMPAIGN_MODEL } from "@ads-connect/node";
 *
 * const page = await client.listRecords({ connectionId, model: CAMPAIGN_MODEL });
 * ```
 */
export const CAMPAIGN_MODEL = "Campaign";

/**
 * The records model of the daily performance sync (`GET /records?model=CampaignPerformanceDaily`).
 *
 * @example
 * ```ts
 * import { CAMPAIGN_PERFORMANCE_DAILY_MODEL } from "@ads-connect/node";
 *
 * const page = await client.listRecords({ connectionId, model: CAMPAIGN_PERFORMANCE_DAILY_MODEL });
 * ```
 */
export const CAMPAIGN_PERFORMANCE_DAILY_MODEL = "CampaignPerformanceDaily";

/** A decimal number as a string ("12.50"): money is never a float. */
const Decimal = z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal number as a string");
/** `YYYY-MM-DD`, in the account's time zone. */
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");

/**
 * A campaign of one of the connection's selected accounts (Campaign Management's `Campaign`).
 * Ids are strings; the budget is a decimal string in the account's currency.
 *
 * @example
 * ```ts
 * import { CampaignSchema } from "@ads-connect/node";
 *
 * const campaign = CampaignSchema.parse(json);
 * console.log(campaign.name, campaign.status, campaign.budget.amount, campaign.currency);
 * ```
 */
export const CampaignSchema = z.object({
  id: z.string(),
  account_id: z.string(),
  customer_id: z.string(),
  name: z.string(),
  /** `Active`, `Paused`, `BudgetPaused`, `BudgetAndManualPaused`, `Suspended`, … (`Deleted` for a deleted record). */
  status: z.string(),
  /** `CampaignType`: `Search`, `Shopping`, `DynamicSearchAds`, `Audience`, `Hotel`, `PerformanceMax`, `App`. */
  type: z.string(),
  /** Daily budget; `amount` null when the campaign uses a shared budget without an amount. */
  budget: z.object({ amount: Decimal.nullable(), type: z.string().nullable(), shared_budget_id: z.string().nullable() }),
  /** ISO 4217 currency of the account, e.g. "USD". */
  currency: z.string().nullable(),
  /** Microsoft's time zone name of the campaign, e.g. "PacificTimeUSCanadaTijuana". */
  time_zone: z.string().nullable(),
  bidding_scheme: z.string().nullable(),
  languages: z.array(z.string()),
  tracking_url_template: z.string().nullable(),
  final_url_suffix: z.string().nullable(),
});

/**
 * A parsed {@link CampaignSchema}.
 *
 * @example
 * ```ts
 * import type { Campaign } from "@ads-connect/node";
 *
 * const label = (c: Campaign) => `${c.name} (${c.type}, ${c.status})`;
 * ```
 */
export type Campaign = z.infer<typeof CampaignSchema>;

/**
 * One campaign's performance on one day (Reporting's CampaignPerformanceReport, Daily). `id` is
 * `<account id>:<campaign id>:<date>`; the date is in the account's time zone, money in its currency.
 *
 * @example
 * ```ts
 * import { CampaignPerformanceDailySchema } from "@ads-connect/node";
 *
 * const day = CampaignPerformanceDailySchema.parse(json);
 * console.log(day.date, day.campaign_id, day.spend, day.currency);
 * ```
 */
export const CampaignPerformanceDailySchema = z.object({
  id: z.string(),
  date: Day,
  account_id: z.string(),
  campaign_id: z.string(),
  impressions: z.number().int(),
  clicks: z.number().int(),
  spend: Decimal,
  /** Microsoft counts fractional conversions: a decimal string. */
  conversions: Decimal,
  revenue: Decimal,
  currency: z.string().nullable(),
});

/**
 * A parsed {@link CampaignPerformanceDailySchema}.
 *
 * @example
 * ```ts
 * import type { CampaignPerformanceDaily } from "@ads-connect/node";
 *
 * const cpc = (d: CampaignPerformanceDaily) => (d.clicks ? Number(d.spend) / d.clicks : 0);
 * ```
 */
export type CampaignPerformanceDaily = z.infer<typeof CampaignPerformanceDailySchema>;

/**
 * The record id of a performance row: account × campaign × day.
 *
 * @example
 * ```ts
 * import { performanceRecordId } from "@ads-connect/node";
 *
 * performanceRecordId("180278106", "400000000001", "2026-01-31"); // "180278106:400000000001:2026-01-31"
 * ```
 */
export function performanceRecordId(accountId: string, campaignId: string, date: string): string {
  return `${accountId}:${campaignId}:${date}`;
}

/**
 * A campaign as a Nango record (with `_nango_metadata`).
 *
 * @example
 * ```ts
 * import { CampaignRecordSchema } from "@ads-connect/node";
 *
 * const record = CampaignRecordSchema.parse(json);
 * if (record._nango_metadata.deleted_at) console.log("deleted", record.id);
 * ```
 */
export const CampaignRecordSchema = CampaignSchema.extend({ _nango_metadata: RecordMetadataSchema });

/**
 * A parsed {@link CampaignRecordSchema}.
 *
 * @example
 * ```ts
 * import type { CampaignRecord } from "@ads-connect/node";
 *
 * const isDeleted = (r: CampaignRecord) => r._nango_metadata.last_action === "DELETED";
 * ```
 */
export type CampaignRecord = z.infer<typeof CampaignRecordSchema>;

/**
 * A day of campaign performance as a Nango record.
 *
 * @example
 * ```ts
 * import { CampaignPerformanceDailyRecordSchema } from "@ads-connect/node";
 *
 * const record = CampaignPerformanceDailyRecordSchema.parse(json);
 * console.log(record.date, record._nango_metadata.last_action);
 * ```
 */
export const CampaignPerformanceDailyRecordSchema = CampaignPerformanceDailySchema.extend({ _nango_metadata: RecordMetadataSchema });

/**
 * A parsed {@link CampaignPerformanceDailyRecordSchema}.
 *
 * @example
 * ```ts
 * import type { CampaignPerformanceDailyRecord } from "@ads-connect/node";
 *
 * const spendOf = (rows: CampaignPerformanceDailyRecord[]) => rows.reduce((sum, r) => sum + Number(r.spend), 0);
 * ```
 */
export type CampaignPerformanceDailyRecord = z.infer<typeof CampaignPerformanceDailyRecordSchema>;

/**
 * Nango's `PUT /sync/update-connection-frequency` body: `frequency` like "every 2 hours",
 * "30 minutes", "1d"; null goes back to the integration's default.
 *
 * @example
 * ```ts
 * import { UpdateSyncFrequencyBodySchema } from "@ads-connect/node";
 *
 * const body = UpdateSyncFrequencyBodySchema.parse({ provider_config_key: "microsoft-ads", connection_id: connectionId, sync_name: "campaigns", frequency: "every 30 minutes" });
 * ```
 */
export const UpdateSyncFrequencyBodySchema = z.object({
  provider_config_key: z.string().max(255),
  connection_id: z.string().min(1).max(255),
  sync_name: z.string().min(1).max(100),
  sync_variant: z.string().max(100).optional(),
  frequency: z.string().max(50).nullable(),
});

/**
 * A parsed {@link UpdateSyncFrequencyBodySchema}.
 *
 * @example
 * ```ts
 * import type { UpdateSyncFrequencyBody } from "@ads-connect/node";
 *
 * const body: UpdateSyncFrequencyBody = { provider_config_key: "microsoft-ads", connection_id: connectionId, sync_name: "campaigns", frequency: "every 2 hours" };
 * ```
 */
export type UpdateSyncFrequencyBody = z.infer<typeof UpdateSyncFrequencyBodySchema>;

/**
 * Nango's `POST /sync/start` and `POST /sync/pause` body.
 *
 * @example
 * ```ts
 * import { SyncControlBodySchema } from "@ads-connect/node";
 *
 * const body = SyncControlBodySchema.parse({ provider_config_key: "microsoft-ads", connection_id: connectionId, syncs: ["campaigns"] });
 * ```
 */
export const SyncControlBodySchema = z.object({
  provider_config_key: z.string().max(255),
  /** Absent: every connection of the integration. */
  connection_id: z.string().min(1).max(255).optional(),
  syncs: z.array(z.union([z.string(), z.object({ name: z.string(), variant: z.string().optional() })])).max(10),
});

/**
 * A parsed {@link SyncControlBodySchema}.
 *
 * @example
 * ```ts
 * import type { SyncControlBody } from "@ads-connect/node";
 *
 * const body: SyncControlBody = { provider_config_key: "microsoft-ads", connection_id: connectionId, syncs: ["campaign-performance-daily"] };
 * ```
 */
export type SyncControlBody = z.infer<typeof SyncControlBodySchema>;

/**
 * Nango's `GET /sync/status` query: `syncs` is comma-separated names or `*`.
 *
 * @example
 * ```ts
 * import { SyncStatusQuerySchema } from "@ads-connect/node";
 *
 * const query = SyncStatusQuerySchema.parse({ provider_config_key: "microsoft-ads", syncs: "*", connection_id: connectionId });
 * ```
 */
export const SyncStatusQuerySchema = z.object({
  provider_config_key: z.string().max(255),
  syncs: z.string().max(500),
  connection_id: z.string().min(1).max(255).optional(),
});

/**
 * One sync of one connection in `GET /sync/status` (Nango's shape plus `lastError`).
 *
 * @example
 * ```ts
 * import { SyncStatusSchema } from "@ads-connect/node";
 *
 * const status = SyncStatusSchema.parse(json);
 * console.log(status.name, status.status, status.nextScheduledSyncAt, status.recordCount);
 * ```
 */
export const SyncStatusSchema = z.object({
  id: z.string(),
  connection_id: z.string(),
  name: z.string(),
  variant: z.string(),
  status: z.enum(["RUNNING", "SUCCESS", "ERROR", "PAUSED", "STOPPED"]),
  type: z.enum(["INITIAL", "INCREMENTAL"]),
  finishedAt: z.string().nullable(),
  nextScheduledSyncAt: z.string().nullable(),
  frequency: z.string(),
  latestResult: z.record(z.string(), z.object({ added: z.number().int(), updated: z.number().int(), deleted: z.number().int() })).nullable(),
  recordCount: z.record(z.string(), z.number().int()),
  lastError: z.object({ code: z.string(), message: z.string(), at: z.string() }).nullable(),
});

/**
 * A parsed {@link SyncStatusSchema}.
 *
 * @example
 * ```ts
 * import type { SyncStatus } from "@ads-connect/node";
 *
 * const failing = (statuses: SyncStatus[]) => statuses.filter((s) => s.status === "ERROR");
 * ```
 */
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

/**
 * `GET /sync/status`'s answer.
 *
 * @example
 * ```ts
 * import { SyncStatusResponseSchema } from "@ads-connect/node";
 *
 * const { syncs } = SyncStatusResponseSchema.parse(await response.json());
 * ```
 */
export const SyncStatusResponseSchema = z.object({ syncs: z.array(SyncStatusSchema) });

/**
 * A parsed {@link SyncStatusResponseSchema}.
 *
 * @example
 * ```ts
 * import type { SyncStatusResponse } from "@ads-connect/node";
 *
 * const names = (r: SyncStatusResponse) => r.syncs.map((s) => s.name);
 * ```
 */
export type SyncStatusResponse = z.infer<typeof SyncStatusResponseSchema>;

/**
 * `PUT /sync/update-connection-frequency`'s answer: the frequency now in effect, in seconds.
 *
 * @example
 * ```ts
 * import { UpdateSyncFrequencyResponseSchema } from "@ads-connect/node";
 *
 * const { frequency } = UpdateSyncFrequencyResponseSchema.parse(await response.json());
 * ```
 */
export const UpdateSyncFrequencyResponseSchema = z.object({ frequency: z.number().int() });

/**
 * A parsed {@link UpdateSyncFrequencyResponseSchema}.
 *
 * @example
 * ```ts
 * import type { UpdateSyncFrequencyResponse } from "@ads-connect/node";
 *
 * const minutes = (r: UpdateSyncFrequencyResponse) => r.frequency / 60;
 * ```
 */
export type UpdateSyncFrequencyResponse = z.infer<typeof UpdateSyncFrequencyResponseSchema>;
