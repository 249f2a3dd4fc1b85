import {
  type AD_ACCOUNT_MODEL,
  type AuthWebhookBody,
  ConnectionSchema,
  ConnectSessionResponseSchema,
  type CreateChangeAccountsSessionBody,
  type CreateConnectSessionBody,
  type CreateReconnectSessionBody,
  IntegrationStatusResponseSchema,
  ListConnectionsResponseSchema,
  ListOperationsResponseSchema,
  OperationResponseSchema,
  type PagedRequest,
  type PatchConnectionBody,
  PROVIDER_CONFIG_KEY,
  pagedRequest,
  parseJsonText,
  SuccessResponseSchema,
  SyncNowResponseSchema,
  SyncStatusResponseSchema,
  type SyncWebhookBody,
  UpdateSyncFrequencyResponseSchema,
  WebhookDeliveriesResponseSchema,
} from "@ads-connect/shared";
import type { z } from "zod";
import { apiError } from "./apiError.js";
import { proxyRequest, proxyResponse } from "./proxyRequest.js";
import { recordsRequest } from "./records.js";
import type {
  AdsConnectClientOptions,
  ListConnectionsParams,
  ListOperationsParams,
  ListRecordsParams,
  ProxyParams,
  ProxyResponse,
  RecordModel,
  RecordOf,
} from "./types.js";
import { verifiedWebhookBody } from "./webhooks.js";

/**
 * Typed client for product backends; every response is parsed with the shared schemas.
 *
 * @example
 * ```ts
 * import { AdsConnectClient } from "@ads-connect/node";
 *
 * const client = new AdsConnectClient({ host: "http://localhost:3003", secretKey: process.env.ADS_CONNECT_SECRET_KEY ?? "" });
 * const { data } = await client.createConnectSession({ end_user: { id: "user-42" } });
 * // hand data.token to the widget
 * ```
 */
export class AdsConnectClient {
  readonly #host: string;
  readonly #secretKey: string;
  readonly #webhookSigningKeys: readonly string[];
  readonly #fetch: typeof fetch;

  /** A client for one server; `host` without a trailing slash or with one. */
  constructor(options: AdsConnectClientOptions) {
    this.#host = options.host.replace(/\/+$/, "");
    this.#secretKey = options.secretKey;
    const keys = options.webhookSigningKey;
    this.#webhookSigningKeys = keys === undefined ? [] : typeof keys === "string" ? [keys] : [...keys];
    this.#fetch = options.fetch ?? fetch;
  }

  /**
   * A connect session for the widget (`POST /connect/sessions`): hand its `data.token` to the
   * browser, which opens the sign-in with it.
   * @example
   * ```ts
   * const { data } = await client.createConnectSession({ end_user: { id: "user-42", email: "ada@example.com" } });
   * ```
   */
  createConnectSession(body: CreateConnectSessionBody) {
    return this.#request("POST", "/connect/sessions", ConnectSessionResponseSchema, body);
  }

  /**
   * A session that signs an existing connection in again (e.g. once it expired), keeping its id.
   * @example
   * ```ts
   * const { data } = await client.createReconnectSession({ connection_id: connectionId });
   * ```
   */
  createReconnectSession(body: Omit<CreateReconnectSessionBody, "integration_id"> & { integration_id?: string }) {
    const withIntegration = { integration_id: PROVIDER_CONFIG_KEY, ...body };
    return this.#request("POST", "/connect/sessions/reconnect", ConnectSessionResponseSchema, withIntegration);
  }

  /**
   * A session whose connect link opens only the account picker for an existing connection (no
   * sign-in); the widget's success result names the new selection.
   * @example
   * ```ts
   * const { data } = await client.createChangeAccountsSession({ connection_id: connectionId, account_selection: "single" });
   * ```
   */
  createChangeAccountsSession(body: Omit<CreateChangeAccountsSessionBody, "integration_id"> & { integration_id?: string }) {
    const withIntegration = { integration_id: PROVIDER_CONFIG_KEY, ...body };
    return this.#request("POST", "/connect/sessions/change-accounts", ConnectSessionResponseSchema, withIntegration);
  }

  /**
   * The connections, newest first, without tokens.
   * @example
   * ```ts
   * const { connections } = await client.listConnections({ endUserId: "user-42" });
   * ```
   */
  listConnections(params: ListConnectionsParams = {}) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, String(value));
    const suffix = query.size > 0 ? `?${query}` : "";
    return this.#request("GET", `/connections${suffix}`, ListConnectionsResponseSchema);
  }

  /**
   * The connection with an access token valid for at least the server's margin.
   * @example
   * ```ts
   * const connection = await client.getConnection(connectionId);
   * const accessToken = connection.credentials.access_token;
   * ```
   */
  getConnection(connectionId: string, options: { forceRefresh?: boolean; includeRefreshToken?: boolean } = {}) {
    const query = new URLSearchParams({ provider_config_key: PROVIDER_CONFIG_KEY });
    if (options.forceRefresh) query.set("force_refresh", "true");
    if (options.includeRefreshToken) query.set("refresh_token", "true");
    return this.#request("GET", `/connections/${encodeURIComponent(connectionId)}?${query}`, ConnectionSchema);
  }

  /**
   * Changes a connection's metadata, tags or selected accounts.
   * @example
   * ```ts
   * await client.patchConnection(connectionId, { metadata: { team: "search" } });
   * ```
   */
  patchConnection(connectionId: string, body: PatchConnectionBody) {
    const path = `/connections/${encodeURIComponent(connectionId)}?provider_config_key=${PROVIDER_CONFIG_KEY}`;
    return this.#request("PATCH", path, SuccessResponseSchema, body);
  }

  /**
   * Deletes the connection and its tokens.
   * @example
   * ```ts
   * await client.deleteConnection(connectionId);
   * ```
   */
  deleteConnection(connectionId: string) {
    const path = `/connections/${encodeURIComponent(connectionId)}?provider_config_key=${PROVIDER_CONFIG_KEY}`;
    return this.#request("DELETE", path, SuccessResponseSchema);
  }

  /**
   * One page of records (Nango's `GET /records`): the connection's accounts with `_nango_metadata`, in cursor order.
   * @example
   * ```ts
   * const { records, next_cursor } = await client.listRecords({ connectionId, limit: 100 });
   * ```
   */
  listRecords<M extends RecordModel = typeof AD_ACCOUNT_MODEL>(params: ListRecordsParams<M>): Promise<{ records: RecordOf<M>[]; next_cursor: string | null }> {
    const { path, schema, headers } = recordsRequest(params);
    return this.#request("GET", path, schema, undefined, headers) as Promise<{ records: RecordOf<M>[]; next_cursor: string | null }>;
  }

  /**
   * Every record from `params.cursor` on, page after page.
   *
   * @example
   * ```ts
   * for await (const account of client.records({ connectionId, modifiedAfter: "2025-01-01T00:00:00Z" })) console.log(account.name, account._nango_metadata.last_action);
   * ```
   */
  async *records<M extends RecordModel = typeof AD_ACCOUNT_MODEL>(
    params: Omit<ListRecordsParams<M>, "cursor"> & { cursor?: string },
  ): AsyncGenerator<RecordOf<M>> {
    let cursor = params.cursor;
    do {
      const page = await this.listRecords({ ...params, ...(cursor ? { cursor } : {}) });
      yield* page.records;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  /**
   * Calls Microsoft Advertising for a connection through the server's `/proxy` (Nango's shape):
   * the server injects the token, developer token and account headers.
   *
   * @example
   * ```ts
   * const { data } = await client.proxy({ connectionId, method: "POST", endpoint: "/CampaignManagement/v13/Campaigns/QueryByAccountId", data: { AccountId: "123456789", CampaignType: "Search" } });
   * ```
   */
  async proxy<T = unknown>(params: ProxyParams): Promise<ProxyResponse<T>> {
    const request = proxyRequest(params);
    const response = await this.#send(request.method, request.path, params.data, request.headers);
    return proxyResponse<T>(response, request.what);
  }

  /**
   * Microsoft's `PageInfo` paging over {@link proxy}: the request is sent with `PageInfo` (zero-based
   * page index, `size` ≤ 1000) in its body, page after page until a short one; yields each page's
   * `items` array, in Microsoft's order.
   *
   * @example
   * ```ts
   * const predicates = [{ Field: "UserId", Operator: "Equals", Value: "123" }];
   * for await (const accounts of client.paginate({ connectionId, endpoint: "/CustomerManagement/v13/Accounts/Search", data: { Predicates: predicates, Ordering: null }, items: "Accounts" })) console.log(accounts.length);
   * ```
   */
  paginate<T = unknown>(params: PagedRequest & Pick<ProxyParams, "connectionId" | "retries">): AsyncGenerator<T[], void, undefined> {
    const { connectionId, retries, endpoint, method, headers, customerId, accountId } = params;
    return pagedRequest<T>(
      params,
      async (data) =>
        (
          await this.proxy({
            connectionId,
            endpoint,
            method: method ?? "POST",
            data,
            ...(headers ? { headers } : {}),
            ...(retries !== undefined ? { retries } : {}),
            ...(customerId ? { customerId } : {}),
            ...(accountId ? { accountId } : {}),
          })
        ).data,
    );
  }

  /**
   * Re-syncs the connection's accounts now; a Microsoft failure comes back as `accounts_error`.
   * @example
   * ```ts
   * const { results, accounts_error } = await client.triggerSync(connectionId);
   * ```
   */
  triggerSync(connectionId: string) {
    return this.#request("POST", `/connections/${encodeURIComponent(connectionId)}/sync?provider_config_key=${PROVIDER_CONFIG_KEY}`, SyncNowResponseSchema);
  }

  /**
   * Nango's `POST /sync/trigger` for the campaign syncs: makes them due now (`reset`: a full resync
   * of the backfill, reported as INITIAL); the sync job runs them and sends the `sync` webhooks.
   *
   * @example
   * ```ts
   * await client.triggerSyncs(connectionId, ["campaigns", "campaign-performance-daily"], { reset: false });
   * ```
   */
  triggerSyncs(connectionId: string, syncs: string[], options: { reset?: boolean } = {}) {
    const body = { provider_config_key: PROVIDER_CONFIG_KEY, connection_id: connectionId, syncs, opts: { reset: options.reset === true } };
    return this.#request("POST", "/sync/trigger", SuccessResponseSchema, body);
  }

  /**
   * Nango's `POST /sync/pause` (`paused: true`) or `POST /sync/start`: one connection's syncs, or every connection's without `connectionId`.
   *
   * @example
   * ```ts
   * await client.setSyncsPaused({ connectionId, syncs: ["campaign-performance-daily"], paused: true });
   * ```
   */
  setSyncsPaused(params: { connectionId?: string; syncs: string[]; paused: boolean }) {
    const body = { provider_config_key: PROVIDER_CONFIG_KEY, syncs: params.syncs, ...(params.connectionId ? { connection_id: params.connectionId } : {}) };
    return this.#request("POST", params.paused ? "/sync/pause" : "/sync/start", SuccessResponseSchema, body);
  }

  /**
   * Nango's `GET /sync/status`: status, last and next run, frequency, record counts and last error per sync.
   *
   * @example
   * ```ts
   * const { syncs } = await client.syncStatus({ connectionId, syncs: ["campaigns"] });
   * ```
   */
  syncStatus(params: { connectionId?: string; syncs?: string[] }) {
    const query = new URLSearchParams({ provider_config_key: PROVIDER_CONFIG_KEY, syncs: params.syncs?.length ? params.syncs.join(",") : "*" });
    if (params.connectionId) query.set("connection_id", params.connectionId);
    return this.#request("GET", `/sync/status?${query}`, SyncStatusResponseSchema);
  }

  /**
   * Nango's `PUT /sync/update-connection-frequency`: the connection's own frequency for a sync ("every 2 hours"; null: the integration's).
   *
   * @example
   * ```ts
   * const { frequency } = await client.updateSyncFrequency({ connectionId, sync: "campaigns", frequency: "every 30 minutes" });
   * ```
   */
  updateSyncFrequency(params: { connectionId: string; sync: string; frequency: string | null }) {
    const body = { provider_config_key: PROVIDER_CONFIG_KEY, connection_id: params.connectionId, sync_name: params.sync, frequency: params.frequency };
    return this.#request("PUT", "/sync/update-connection-frequency", UpdateSyncFrequencyResponseSchema, body);
  }

  /**
   * The webhook delivery log: each event and every attempt to deliver it, newest first.
   * @example
   * ```ts
   * const { deliveries } = await client.listWebhookDeliveries({ connectionId, limit: 20 });
   * const failed = deliveries.filter((d) => d.status === "failed");
   * ```
   */
  listWebhookDeliveries(params: { limit?: number; connectionId?: string } = {}) {
    const query = new URLSearchParams();
    if (params.limit !== undefined) query.set("limit", String(params.limit));
    if (params.connectionId !== undefined) query.set("connectionId", params.connectionId);
    const suffix = query.size > 0 ? `?${query}` : "";
    return this.#request("GET", `/webhooks/deliveries${suffix}`, WebhookDeliveriesResponseSchema);
  }

  /**
   * The operation log, newest first: connects, refreshes, proxy calls, actions, syncs, webhook deliveries…
   * @example
   * ```ts
   * const { operations, next_cursor } = await client.listOperations({ connectionId, type: "auth:refresh_token", state: "failed" });
   * ```
   */
  listOperations(params: ListOperationsParams = {}) {
    const names = { connectionId: "connection_id", endUserId: "end_user_id", errorCode: "error_code" } as const;
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(names[key as keyof typeof names] ?? key, String(value));
    const suffix = query.size > 0 ? `?${query}` : "";
    return this.#request("GET", `/logs/operations${suffix}`, ListOperationsResponseSchema);
  }

  /**
   * One operation with its messages (log lines and HTTP steps); its id is also a failed request's `AdsConnectApiError.operationId`.
   * @example
   * ```ts
   * const { operations } = await client.listOperations({ connectionId, state: "failed", limit: 1 });
   * const { operation, messages } = await client.getOperation(operations[0]!.id);
   * ```
   */
  getOperation(operationId: string) {
    return this.#request("GET", `/logs/operations/${encodeURIComponent(operationId)}`, OperationResponseSchema);
  }

  /**
   * The integration's health: configuration, identity provider, connections by status, errors of the last 24 hours, secret expiry.
   * @example
   * ```ts
   * const { data } = await client.getIntegrationStatus();
   * if (data.problems.length > 0) console.warn(data.problems.map((p) => p.message));
   * ```
   */
  getIntegrationStatus() {
    return this.#request("GET", `/integrations/${PROVIDER_CONFIG_KEY}/status`, IntegrationStatusResponseSchema);
  }

  /**
   * Checks a webhook's `X-Nango-Hmac-Sha256` signature over the raw body (with any of the
   * `webhookSigningKey` keys) and returns the parsed body, or null when the signature or the body is
   * not right.
   * @example
   * ```ts
   * // With the raw body, before any JSON parsing (e.g. express.text({ type: "application/json" })).
   * const event = client.verifyWebhook(rawBody, { "x-nango-hmac-sha256": signature });
   * if (event?.type === "auth" && event.operation === "creation") console.log("connected", event.connectionId);
   * ```
   */
  verifyWebhook(rawBody: string, headers: Record<string, string | string[] | undefined>): AuthWebhookBody | SyncWebhookBody | null {
    if (this.#webhookSigningKeys.length === 0 || this.#webhookSigningKeys.some((k) => !k)) throw new Error("verifyWebhook needs the webhookSigningKey option");
    return verifiedWebhookBody(rawBody, headers, this.#webhookSigningKeys);
  }

  async #request<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown, headers: Record<string, string> = {}): Promise<z.infer<S>> {
    const response = await this.#send(method, path, body, headers);
    const text = await response.text();
    if (!response.ok) throw apiError(response.status, text, `${method} ${path.split("?")[0]}`);
    return schema.parse(parseJsonText(text));
  }

  #send(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
    return this.#fetch(`${this.#host}${path}`, {
      method,
      headers: {
        ...headers,
        authorization: `Bearer ${this.#secretKey}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
  }
}
