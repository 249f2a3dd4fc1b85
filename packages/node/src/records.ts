import {
  AD_ACCOUNT_MODEL,
  AdAccountRecordSchema,
  CAMPAIGN_MODEL,
  CAMPAIGN_PERFORMANCE_DAILY_MODEL,
  CampaignPerformanceDailyRecordSchema,
  CampaignRecordSchema,
  PROVIDER_CONFIG_KEY,
  RecordsResponseSchema,
} from "@ads-connect/shared";
import { z } from "zod";
import type { ListRecordsParams, RecordModel } from "./types.js";

const RECORD_SCHEMAS = {
  [AD_ACCOUNT_MODEL]: AdAccountRecordSchema,
  [CAMPAIGN_MODEL]: CampaignRecordSchema,
  [CAMPAIGN_PERFORMANCE_DAILY_MODEL]: CampaignPerformanceDailyRecordSchema,
} as const;

/** {@link AdsConnectClient.listRecords}' request: `GET /records` with its query, the model's records schema and the connection's headers. */
export function recordsRequest(params: ListRecordsParams) {
  const model: RecordModel = params.model ?? AD_ACCOUNT_MODEL;
  const query = new URLSearchParams({ model });
  for (const id of params.ids ?? []) query.append("ids", id);
  if (params.cursor) query.set("cursor", params.cursor);
  if (params.limit !== undefined) query.set("limit", String(params.limit));
  if (params.modifiedAfter) query.set("modified_after", params.modifiedAfter);
  if (params.filter?.length) query.set("filter", params.filter.join(","));
  const schema = RecordsResponseSchema.extend({ records: z.array(RECORD_SCHEMAS[model] ?? AdAccountRecordSchema) });
  return {
    path: `/records?${query}`,
    schema,
    headers: { "Connection-Id": params.connectionId, "Provider-Config-Key": PROVIDER_CONFIG_KEY },
  };
}
