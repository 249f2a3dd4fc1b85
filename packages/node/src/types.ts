import type {
  AD_ACCOUNT_MODEL,
  AdAccountRecord,
  CAMPAIGN_MODEL,
  CAMPAIGN_PERFORMANCE_DAILY_MODEL,
  CampaignPerformanceDailyRecord,
  CampaignRecord,
  MsAdsRequest,
  MsAdsResponse,
  OperationState,
} from "@ads-connect/shared";

/**
 * {@link AdsConnectClient.proxy}'s call: a Microsoft Advertising request for one connection (Nango's
 * `proxy()` config, plus the account).
 *
 * @example
 * ```ts
 * import type { ProxyParams } from "@ads-connect/node";
 *
 * const params: ProxyParams = {
 *   connectionId,
 *   method: "POST",
 *   endpoint: "/CampaignManagement/v13/Campaigns/QueryByAccountId",
 *   data: { AccountId: "123456789", CampaignType: "Search" },
 *   retries: 2,
 * };
 * ```
 */
export interface ProxyParams extends MsAdsRequest {
  connectionId: string;
  /** Retries the server may make on a 5xx or network error. */
  retries?: number;
}

/**
 * What {@link AdsConnectClient.proxy} returns: Microsoft's status, headers and parsed JSON body (`T`),
 * or its text when the body is not JSON.
 *
 * @example
 * ```ts
 * import { AdsConnectClient, type ProxyResponse } from "@ads-connect/node";
 *
 * const client = new AdsConnectClient({ host: "http://localhost:3003", secretKey });
 * const response: ProxyResponse<{ Campaigns: { Id: number; Name: string }[] }> = await client.proxy({
 *   connectionId,
 *   method: "POST",
 *   endpoint: "/CampaignManagement/v13/Campaigns/QueryByAccountId",
 *   data: { AccountId: "123456789", CampaignType: "Search" },
 * });
 * console.log(response.status, response.data.Campaigns.length);
 * ```
 */
export type ProxyResponse<T = unknown> = MsAdsResponse<T>;

/**
 * How {@link AdsConnectClient} reaches the server.
 *
 * @example
 * ```ts
 * import { AdsConnectClient, type AdsConnectClientOptions } from "@ads-connect/node";
 *
 * const options: AdsConnectClientOptions = {
 *   host: "https://connect.example.com",
 *   secretKey: process.env.ADS_CONNECT_SECRET_KEY ?? "",
 *   webhookSigningKey: process.env.ADS_CONNECT_WEBHOOK_SIGNING_KEY ?? "",
 * };
 * const client = new AdsConnectClient(options);
 * ```
 */
export interface AdsConnectClientOptions {
  /** Base URL of the ads-connect server, e.g. `http://localhost:3003`. */
  host: string;
  /** The server's secret key (server-side only, never in a browser). */
  secretKey: string;
  /**
   * Key the server signs webhooks with; needed only for {@link AdsConnectClient.verifyWebhook}. While
   * the server's key is rotated, give both (`[oldKey, newKey]`): a webhook signed with either verifies.
   */
  webhookSigningKey?: string | readonly string[];
  /** The `fetch` to send requests with (default: the global one), e.g. one with a proxy agent or a timeout. */
  fetch?: typeof fetch;
}

/**
 * {@link AdsConnectClient.listRecords}' and {@link AdsConnectClient.records}' query: the connection's
 * ad account records, optionally only those changed since a sync webhook's `modifiedAfter`.
 *
 * @example
 * ```ts
 * import { AdsConnectClient, type ListRecordsParams } from "@ads-connect/node";
 *
 * const client = new AdsConnectClient({ host: "http://localhost:3003", secretKey });
 * const params: ListRecordsParams = { connectionId, modifiedAfter: "2025-01-01T00:00:00Z", filter: ["added", "updated"] };
 * const { records, next_cursor } = await client.listRecords(params);
 * ```
 */
export interface ListRecordsParams<M extends RecordModel = RecordModel> {
  connectionId: string;
  /** Default "AdAccount"; "Campaign" and "CampaignPerformanceDaily" are the campaign syncs' models. */
  model?: M;
  /** Only these record ids. */
  ids?: string[];
  /** `next_cursor` of the previous page, or a record's `_nango_metadata.cursor`. */
  cursor?: string;
  /** 1-1000, default 100. */
  limit?: number;
  /** ISO timestamp: only records changed at or after it (a sync webhook's `modifiedAfter`). */
  modifiedAfter?: string;
  /** Only records whose last action is one of these. */
  filter?: ("added" | "updated" | "deleted")[];
}

/**
 * The records models: `AdAccount` (accounts sync), `Campaign`, `CampaignPerformanceDaily`.
 *
 * @example
 * ```ts
 * import type { RecordModel } from "@ads-connect/node";
 *
 * const model: RecordModel = "CampaignPerformanceDaily";
 * ```
 */
export type RecordModel = typeof AD_ACCOUNT_MODEL | typeof CAMPAIGN_MODEL | typeof CAMPAIGN_PERFORMANCE_DAILY_MODEL;

/**
 * The record type of a model.
 *
 * @example
 * ```ts
 * import type { RecordOf } from "@ads-connect/node";
 *
 * const spend = (r: RecordOf<"CampaignPerformanceDaily">) => Number(r.spend);
 * ```
 */
export type RecordOf<M extends RecordModel> = M extends typeof CAMPAIGN_MODEL
  ? CampaignRecord
  : M extends typeof CAMPAIGN_PERFORMANCE_DAILY_MODEL
    ? CampaignPerformanceDailyRecord
    : AdAccountRecord;

/**
 * {@link AdsConnectClient.listOperations}' filters (all optional) and paging.
 *
 * @example
 * ```ts
 * import { AdsConnectClient, type ListOperationsParams } from "@ads-connect/node";
 *
 * const client = new AdsConnectClient({ host: "http://localhost:3003", secretKey });
 * const params: ListOperationsParams = { connectionId: "conn-1", state: "failed", limit: 20 };
 * const { operations } = await client.listOperations(params);
 * ```
 */
export interface ListOperationsParams {
  connectionId?: string;
  endUserId?: string;
  /** A type (`proxy`) or a type and action (`auth:refresh_token`). */
  type?: string;
  state?: OperationState;
  errorCode?: string;
  /** Started at or after (ISO 8601 date-time). */
  from?: string;
  /** Started before (ISO 8601 date-time). */
  to?: string;
  /** `next_cursor` of the previous page. */
  cursor?: string;
  /** Operations a page, 1-100 (default 50). */
  limit?: number;
}

/**
 * {@link AdsConnectClient.listConnections}' filters (all optional).
 *
 * @example
 * ```ts
 * import { AdsConnectClient, type ListConnectionsParams } from "@ads-connect/node";
 *
 * const client = new AdsConnectClient({ host: "http://localhost:3003", secretKey });
 * const params: ListConnectionsParams = { endUserId: "user-42", limit: 20 };
 * const { connections } = await client.listConnections(params);
 * ```
 */
export interface ListConnectionsParams {
  /** Only this connection. */
  connectionId?: string;
  /** Only the connections of this end user (the `end_user.id` your backend gave the connect session). */
  endUserId?: string;
  /** Connections a page. */
  limit?: number;
  /** Page number, from 0. */
  page?: number;
}
