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
  type MsAdsErrorDetails,
  type MsAdsRequest,
  type MsAdsResponse,
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

/** A 4xx/5xx answer from the server, with its `{error:{code,message}}` body. */
export class AdsConnectApiError extends Error {
  override name = "AdsConnectApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Microsoft Advertising's codes and TrackingId when it refused a proxied call or an action's call. */
    readonly msads: MsAdsErrorDetails | null = null,
  ) {
    super(message);
  }
}

/** A call to Microsoft Advertising through the server's proxy (Nango's `proxy()` config, plus the account). */
/** {@link AdsConnectClient.proxy}'s call: a Microsoft Advertising request for one connection. */
export interface ProxyParams extends MsAdsRequest {
  connectionId: string;
  /** Retries the server may make on a 5xx or network error. */
  retries?: number;
}

export type ProxyResponse<T = unknown> = MsAdsResponse<T>;

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
  fetch?: typeof fetch;
}

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

export interface ListConnectionsParams {
  connectionId?: string;
  endUserId?: string;
  limit?: number;
  page?: number;
}

/**
 * Typed client for product backends; every response is parsed with the shared schemas.
 *
 * @example
 * const client = new AdsConnectClient({ host: "http://localhost:3003", secretKey: process.env.ADS_CONNECT_SECRET_KEY! });
 * const { data } = await client.createConnectSession({ end_user: { id: "user-42" } });
 * // hand data.token to the widget
 */
export class AdsConnectClient {
  readonly #host: string;
  readonly #secretKey: string;
  readonly #webhookSigningKeys: readonly string[];
  readonly #fetch: typeof fetch;

  constructor(options: AdsConnectClientOptions) {
    this.#host = options.host.replace(/\/+$/, "");
    this.#secretKey = options.secretKey;
    const keys = options.webhookSigningKey;
    this.#webhookSigningKeys = keys === undefined ? [] : typeof keys === "string" ? [keys] : [...keys];
    this.#fetch = options.fetch ?? fetch;
  }

  createConnectSession(body: CreateConnectSessionBody) {
    return this.#request("POST", "/connect/sessions", ConnectSessionResponseSchema, body);
  }

  createReconnectSession(body: Omit<CreateReconnectSessionBody, "integration_id"> & { integration_id?: string }) {
    const withIntegration = { integration_id: PROVIDER_CONFIG_KEY, ...body };
    return this.#request("POST", "/connect/sessions/reconnect", ConnectSessionResponseSchema, withIntegration);
  }

  /**
   * A session whose connect link opens only the account picker for an existing connection (no
   * sign-in); the widget's success result names the new selection.
   * @example
   * const { data } = await client.createChangeAccountsSession({ connection_id: "c-1", account_selection: "single" });
   */
  createChangeAccountsSession(body: Omit<CreateChangeAccountsSessionBody, "integration_id"> & { integration_id?: string }) {
    const withIntegration = { integration_id: PROVIDER_CONFIG_KEY, ...body };
    return this.#request("POST", "/connect/sessions/change-accounts", ConnectSessionResponseSchema, withIntegration);
  }

  listConnections(params: ListConnectionsParams = {}) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, String(value));
    const suffix = query.size > 0 ? `?${query}` : "";
    return this.#request("GET", `/connections${suffix}`, ListConnectionsResponseSchema);
  }

  /** The connection with an access token valid for at least the server's margin. */
  getConnection(connectionId: string, options: { forceRefresh?: boolean; includeRefreshToken?: boolean } = {}) {
    const query = new URLSearchParams({ provider_config_key: PROVIDER_CONFIG_KEY });
    if (options.forceRefresh) query.set("force_refresh", "true");
    if (options.includeRefreshToken) query.set("refresh_token", "true");
    return this.#request("GET", `/connections/${encodeURIComponent(connectionId)}?${query}`, ConnectionSchema);
  }

  patchConnection(connectionId: string, body: PatchConnectionBody) {
    const path = `/connections/${encodeURIComponent(connectionId)}?provider_config_key=${PROVIDER_CONFIG_KEY}`;
    return this.#request("PATCH", path, SuccessResponseSchema, body);
  }

  deleteConnection(connectionId: string) {
    const path = `/connections/${encodeURIComponent(connectionId)}?provider_config_key=${PROVIDER_CONFIG_KEY}`;
    return this.#request("DELETE", path, SuccessResponseSchema);
  }

  /** One page of records (Nango's `GET /records`): the connection's accounts with `_nango_metadata`, in cursor order. */
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
   * for await (const account of client.records({ connectionId, modifiedAfter: webhook.modifiedAfter })) console.log(account.name, account._nango_metadata.last_action);
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
   * const { data } = await client.proxy({ connectionId, method: "POST", endpoint: "/CampaignManagement/v13/Campaigns/QueryByAccountId", data: { AccountId: accountId } });
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
   * for await (const accounts of client.paginate({ connectionId, endpoint: "/CustomerManagement/v13/Accounts/Search", data: { Predicates: [...], Ordering: null }, items: "Accounts" })) save(accounts);
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

  /** Re-syncs the connection's accounts now; a Microsoft failure comes back as `accounts_error`. */
  triggerSync(connectionId: string) {
    return this.#request("POST", `/connections/${encodeURIComponent(connectionId)}/sync?provider_config_key=${PROVIDER_CONFIG_KEY}`, SyncNowResponseSchema);
  }

  /** The webhook delivery log: each event and every attempt to deliver it, newest first. */
  listWebhookDeliveries(params: { limit?: number; connectionId?: string } = {}) {
    const query = new URLSearchParams();
    if (params.limit !== undefined) query.set("limit", String(params.limit));
    if (params.connectionId !== undefined) query.set("connectionId", params.connectionId);
    const suffix = query.size > 0 ? `?${query}` : "";
    return this.#request("GET", `/webhooks/deliveries${suffix}`, WebhookDeliveriesResponseSchema);
  }

  /** The integration's health: configuration, identity provider, connections by status, errors of the last 24 hours, secret expiry. */
  getIntegrationStatus() {
    return this.#request("GET", `/integrations/${PROVIDER_CONFIG_KEY}/status`, IntegrationStatusResponseSchema);
  }

  /**
   * Checks a webhook's `X-Nango-Hmac-Sha256` signature over the raw body (with any of the
   * `webhookSigningKey` keys) and returns the parsed body, or null when the signature or the body is
   * not right.
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
  if (error.success) return new AdsConnectApiError(status, error.data.error.code, error.data.error.message, error.data.error.msads ?? null);
  return new AdsConnectApiError(status, "unexpected_response", `HTTP ${status} from ${what}`);
}
