import { createHmac, timingSafeEqual } from "node:crypto";
import {
  AD_ACCOUNT_MODEL,
  type AdAccountRecord,
  ApiErrorBodySchema,
  type AuthWebhookBody,
  AuthWebhookBodySchema,
  ConnectionSchema,
  ConnectSessionResponseSchema,
  type CreateChangeAccountsSessionBody,
  type CreateConnectSessionBody,
  type CreateReconnectSessionBody,
  IntegrationStatusResponseSchema,
  ListConnectionsResponseSchema,
  ListOperationsResponseSchema,
  type MsAdsErrorDetails,
  type MsAdsRequest,
  type MsAdsResponse,
  OperationResponseSchema,
  type OperationState,
  type PagedRequest,
  type PatchConnectionBody,
  PROVIDER_CONFIG_KEY,
  pagedRequest,
  parseJsonText,
  RecordsResponseSchema,
  SuccessResponseSchema,
  SyncNowResponseSchema,
  type SyncWebhookBody,
  SyncWebhookBodySchema,
  WEBHOOK_SIGNATURE_HEADER,
  WebhookDeliveriesResponseSchema,
} from "@ads-connect/shared";
import type { z } from "zod";

/**
 * A 4xx/5xx answer from the server, with its `{error:{code,message}}` body; every client method
 * throws it. `code` is one of the catalogued error codes (`unexpected_response` when the body was not
 * the server's error shape), `msads` holds Microsoft's own codes when it refused a proxied call.
 *
 * @example
 * ```ts
 * import { AdsConnectApiError, AdsConnectClient } from "@ads-connect/node";
 *
 * const client = new AdsConnectClient({ host: "http://localhost:3003", secretKey });
 * try {
 *   await client.getConnection(connectionId);
 * } catch (error) {
 *   if (error instanceof AdsConnectApiError && error.code === "not_found") console.log("no such connection");
 *   else throw error;
 * }
 * ```
 */
export class AdsConnectApiError extends Error {
  override name = "AdsConnectApiError";
  constructor(
    /** The HTTP status. */
    readonly status: number,
    /** The error code, e.g. `not_found` or `msads_rate_limited`. */
    readonly code: string,
    message: string,
    /** Microsoft Advertising's codes and TrackingId when it refused a proxied call or an action's call. */
    readonly msads: MsAdsErrorDetails | null = null,
    /** The operation of the operation log that failed, when the request had one: `client.getOperation(operationId)`. */
    readonly operationId: string | null = null,
  ) {
    super(message);
  }
}

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
export interface ListRecordsParams {
  connectionId: string;
  /** Default "AdAccount" (the only model). */
  model?: string;
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
  listRecords(params: ListRecordsParams) {
    const query = new URLSearchParams({ model: params.model ?? AD_ACCOUNT_MODEL });
    if (params.cursor) query.set("cursor", params.cursor);
    if (params.limit !== undefined) query.set("limit", String(params.limit));
    if (params.modifiedAfter) query.set("modified_after", params.modifiedAfter);
    if (params.filter?.length) query.set("filter", params.filter.join(","));
    return this.#request("GET", `/records?${query}`, RecordsResponseSchema, undefined, {
      "Connection-Id": params.connectionId,
      "Provider-Config-Key": PROVIDER_CONFIG_KEY,
    });
  }

  /**
   * Every record from `params.cursor` on, page after page.
   *
   * @example
   * ```ts
   * for await (const account of client.records({ connectionId, modifiedAfter: "2025-01-01T00:00:00Z" })) console.log(account.name, account._nango_metadata.last_action);
   * ```
   */
  async *records(params: Omit<ListRecordsParams, "cursor"> & { cursor?: string }): AsyncGenerator<AdAccountRecord> {
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
    const query = params.params ? `?${new URLSearchParams(Object.entries(params.params).map(([k, v]) => [k, String(v)]))}` : "";
    const headers: Record<string, string> = { "Connection-Id": params.connectionId, "Provider-Config-Key": PROVIDER_CONFIG_KEY };
    for (const [name, value] of Object.entries(params.headers ?? {})) headers[`Nango-Proxy-${name}`] = value;
    if (params.retries !== undefined) headers.Retries = String(params.retries);
    if (params.customerId) headers["Customer-Id"] = params.customerId;
    if (params.accountId) headers["Account-Id"] = params.accountId;
    const endpoint = params.endpoint.startsWith("/") ? params.endpoint : `/${params.endpoint}`;
    const response = await this.#send(params.method ?? "GET", `/proxy${endpoint}${query}`, params.data, headers);
    const text = await response.text();
    if (!response.ok) throw apiError(response.status, text, `${(params.method ?? "GET").toUpperCase()} /proxy${endpoint}`);
    const json = parseJsonText(text);
    const out: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      out[name] = value;
    });
    return { status: response.status, headers: out, data: (json === undefined ? text : json) as T };
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
    const header = Object.entries(headers).find(([k]) => k.toLowerCase() === WEBHOOK_SIGNATURE_HEADER.toLowerCase())?.[1];
    if (typeof header !== "string" || !verifyWebhookSignature(rawBody, header, this.#webhookSigningKeys)) return null;
    const body = parseJsonText(rawBody);
    const parsed = (
      typeof body === "object" && body !== null && (body as { type?: unknown }).type === "sync" ? SyncWebhookBodySchema : AuthWebhookBodySchema
    ).safeParse(body);
    return parsed.success ? parsed.data : null;
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

/**
 * Whether `signature` (the `X-Nango-Hmac-Sha256` header: hex HMAC-SHA256 of the raw body) was made
 * with one of `keys`. Several keys during a rotation of the server's signing key; each is compared
 * in constant time, all of them whichever matches.
 *
 * @example
 * ```ts
 * import { WEBHOOK_SIGNATURE_HEADER, verifyWebhookSignature } from "@ads-connect/node";
 *
 * const headers = new Headers({ [WEBHOOK_SIGNATURE_HEADER]: signature });
 * const genuine = verifyWebhookSignature(rawBody, headers.get(WEBHOOK_SIGNATURE_HEADER) ?? "", [oldSigningKey, newSigningKey]);
 * ```
 */
export function verifyWebhookSignature(rawBody: string, signature: string, keys: string | readonly string[]): boolean {
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
  const given = Buffer.from(signature, "hex");
  let matched = false;
  for (const key of typeof keys === "string" ? [keys] : keys) {
    if (!key) continue;
    const expected = createHmac("sha256", key).update(rawBody).digest();
    matched = timingSafeEqual(expected, given) || matched;
  }
  return matched;
}

/** A 4xx/5xx answer as an AdsConnectApiError (its `{error:{code,message,msads?}}` body, when it has one). */
function apiError(status: number, text: string, what: string): AdsConnectApiError {
  const error = ApiErrorBodySchema.safeParse(parseJsonText(text));
  if (error.success) {
    const { code, message, msads, operation_id } = error.data.error;
    return new AdsConnectApiError(status, code, message, msads ?? null, operation_id ?? null);
  }
  return new AdsConnectApiError(status, "unexpected_response", `HTTP ${status} from ${what}`);
}
