import { z } from "zod";
import { AccountsErrorSchema } from "./accountSync.js";
import { AdAccountSchema } from "./adAccount.js";
import { AccountSchema } from "./connectResult.js";

/**
 * A connection's status: `connected`, `refreshing`, `expired` (the end user must reconnect) or `error`.
 *
 * @example
 * ```ts
 * import { ConnectionStatusSchema } from "@ads-connect/node";
 *
 * const status = ConnectionStatusSchema.parse(json);
 * if (status === "expired") console.log("ask the end user to reconnect");
 * ```
 */
export const ConnectionStatusSchema = z.enum(["connected", "refreshing", "expired", "error"]);

/**
 * A parsed {@link ConnectionStatusSchema}.
 *
 * @example
 * ```ts
 * import type { ConnectionStatus } from "@ads-connect/node";
 *
 * const needsReconnect = (status: ConnectionStatus) => status === "expired";
 * ```
 */
export type ConnectionStatus = z.infer<typeof ConnectionStatusSchema>;

/**
 * The end user a connection belongs to, as the connections API returns it.
 *
 * @example
 * ```ts
 * import { ApiEndUserSchema } from "@ads-connect/node";
 *
 * const endUser = ApiEndUserSchema.parse(json);
 * console.log(endUser.id, endUser.email, endUser.organization?.id);
 * ```
 */
export const ApiEndUserSchema = z.object({
  id: z.string(),
  display_name: z.string().nullable(),
  email: z.string().nullable(),
  /** `{}` when the session set none (Nango's document requires an object). */
  tags: z.record(z.string(), z.string()),
  organization: z.object({ id: z.string(), display_name: z.string().nullable() }).nullable(),
});

/**
 * A parsed {@link ApiEndUserSchema}: a connection's `end_user`.
 *
 * @example
 * ```ts
 * import type { ApiEndUser } from "@ads-connect/node";
 *
 * const owner = (user: ApiEndUser | null) => user?.email ?? user?.id ?? "unknown";
 * ```
 */
export type ApiEndUser = z.infer<typeof ApiEndUserSchema>;

/**
 * An entry of a connection's `errors` (Nango's shape): the error's type and a log id.
 *
 * @example
 * ```ts
 * import { ConnectionErrorSchema } from "@ads-connect/node";
 *
 * const { type, log_id } = ConnectionErrorSchema.parse(json);
 * ```
 */
export const ConnectionErrorSchema = z.object({ type: z.string(), log_id: z.string() });

/**
 * An item of `GET /connections` (Nango's ApiPublicConnection plus our own fields).
 *
 * @example
 * ```ts
 * import { ConnectionSummarySchema } from "@ads-connect/node";
 *
 * const summary = ConnectionSummarySchema.parse(json);
 * console.log(summary.connection_id, summary.status, summary.selected_account_ids);
 * ```
 */
export const ConnectionSummarySchema = z.object({
  id: z.number().int(),
  connection_id: z.string(),
  provider_config_key: z.string(),
  provider: z.string(),
  created: z.string(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  errors: z.array(ConnectionErrorSchema),
  end_user: ApiEndUserSchema.nullable(),
  tags: z.record(z.string(), z.string()),
  status: ConnectionStatusSchema,
  account: AccountSchema,
  /** The Microsoft Advertising accounts the user reaches now (deleted ones left out), in Microsoft's order. */
  accounts: z.array(AdAccountSchema),
  /** The accounts the end user chose (null before the picker ran). */
  selected_account_ids: z.array(z.string()).nullable(),
  /** Selected accounts that are gone at Microsoft Advertising (the sync marked them deleted). */
  removed_selected_account_ids: z.array(z.string()),
  /** Why the last account discovery/sync failed; null once one succeeded. */
  accounts_error: AccountsErrorSchema.nullable(),
  /** The last successful account discovery or sync. */
  accounts_synced_at: z.string().nullable(),
});

/**
 * A parsed {@link ConnectionSummarySchema}: one connection of a `GET /connections` list.
 *
 * @example
 * ```ts
 * import type { ConnectionSummary } from "@ads-connect/node";
 *
 * const expiredIds = (list: ConnectionSummary[]) => list.filter((c) => c.status === "expired").map((c) => c.connection_id);
 * ```
 */
export type ConnectionSummary = z.infer<typeof ConnectionSummarySchema>;

/**
 * `GET /connections`: the connections that match the query.
 *
 * @example
 * ```ts
 * import { ListConnectionsResponseSchema } from "@ads-connect/node";
 *
 * const { connections } = ListConnectionsResponseSchema.parse(await response.json());
 * ```
 */
export const ListConnectionsResponseSchema = z.object({ connections: z.array(ConnectionSummarySchema) });

/**
 * A parsed {@link ListConnectionsResponseSchema}: what `client.listConnections` returns.
 *
 * @example
 * ```ts
 * import type { ListConnectionsResponse } from "@ads-connect/node";
 *
 * const { connections }: ListConnectionsResponse = await client.listConnections({ endUserId: "user-42" });
 * ```
 */
export type ListConnectionsResponse = z.infer<typeof ListConnectionsResponseSchema>;

/**
 * A connection's OAuth2 tokens (`credentials` of `GET /connections/:id`): the access token to call Microsoft Advertising with and when it expires.
 *
 * @example
 * ```ts
 * import { OAuth2CredentialsSchema } from "@ads-connect/node";
 *
 * const credentials = OAuth2CredentialsSchema.parse(json);
 * const authorization = `Bearer ${credentials.access_token}`;
 * ```
 */
export const OAuth2CredentialsSchema = z.object({
  type: z.literal("OAUTH2"),
  access_token: z.string(),
  refresh_token: z.string().optional(),
  expires_at: z.string(),
  raw: z.record(z.string(), z.unknown()),
});

/**
 * A parsed {@link OAuth2CredentialsSchema}: a connection's tokens.
 *
 * @example
 * ```ts
 * import type { OAuth2Credentials } from "@ads-connect/node";
 *
 * const expiresWithinAMinute = (credentials: OAuth2Credentials) => Date.parse(credentials.expires_at) - Date.now() < 60_000;
 * ```
 */
export type OAuth2Credentials = z.infer<typeof OAuth2CredentialsSchema>;

/**
 * `GET /connections/:id` (Nango's ApiPublicConnectionFull plus our own fields).
 *
 * @example
 * ```ts
 * import { ConnectionSchema } from "@ads-connect/node";
 *
 * const connection = ConnectionSchema.parse(await response.json());
 * console.log(connection.credentials.expires_at, connection.accounts.length);
 * ```
 */
export const ConnectionSchema = ConnectionSummarySchema.omit({ created: true }).extend({
  /** `{}` when none was set: Nango's document requires an object here (the list allows null). */
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
  last_fetched_at: z.string().nullable(),
  connection_config: z.record(z.string(), z.unknown()),
  credentials: OAuth2CredentialsSchema,
});

/**
 * A parsed {@link ConnectionSchema}: what `client.getConnection` returns.
 *
 * @example
 * ```ts
 * import type { Connection } from "@ads-connect/node";
 *
 * const connection: Connection = await client.getConnection(connectionId);
 * const accessToken = connection.credentials.access_token;
 * ```
 */
export type Connection = z.infer<typeof ConnectionSchema>;

/**
 * `GET /connections` query: filters (connection, end user, organization, integration, search) and paging.
 *
 * @example
 * ```ts
 * import { ListConnectionsQuerySchema } from "@ads-connect/node";
 *
 * const query = ListConnectionsQuerySchema.parse({ endUserId: "user-42", limit: "50" });
 * console.log(query.limit); // 50
 * ```
 */
export const ListConnectionsQuerySchema = z.object({
  connectionId: z.string().max(255).optional(),
  endUserId: z.string().max(255).optional(),
  endUserOrganizationId: z.string().max(255).optional(),
  integrationId: z.string().max(1000).optional(),
  search: z.string().max(255).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  page: z.coerce.number().int().min(0).max(1_000_000).optional(),
});

/**
 * A parsed {@link ListConnectionsQuerySchema}: the `GET /connections` query.
 *
 * @example
 * ```ts
 * import type { ListConnectionsQuery } from "@ads-connect/node";
 *
 * const query: ListConnectionsQuery = { endUserOrganizationId: "org-7", limit: 100, page: 0 };
 * ```
 */
export type ListConnectionsQuery = z.infer<typeof ListConnectionsQuerySchema>;

const BooleanQuery = z.enum(["true", "false"]).transform((v) => v === "true");

/**
 * `GET /connections/:id` query: `force_refresh=true` refreshes the access token first, `refresh_token=true` includes the refresh token.
 *
 * @example
 * ```ts
 * import { GetConnectionQuerySchema } from "@ads-connect/node";
 *
 * const query = GetConnectionQuerySchema.parse({ provider_config_key: "microsoft-ads", force_refresh: "true" });
 * console.log(query.force_refresh); // true
 * ```
 */
export const GetConnectionQuerySchema = z.object({
  provider_config_key: z.string().max(255).optional(),
  force_refresh: BooleanQuery.optional(),
  refresh_token: BooleanQuery.optional(),
});

/**
 * The optional `provider_config_key` query of the routes about one connection.
 *
 * @example
 * ```ts
 * import { ProviderConfigKeyQuerySchema } from "@ads-connect/node";
 *
 * const { provider_config_key } = ProviderConfigKeyQuerySchema.parse({ provider_config_key: "microsoft-ads" });
 * ```
 */
export const ProviderConfigKeyQuerySchema = z.object({ provider_config_key: z.string().max(255).optional() });

/**
 * `PATCH /connections/:id` body: the end user, tags, metadata or selected accounts to change; other fields are refused.
 *
 * @example
 * ```ts
 * import { PatchConnectionBodySchema } from "@ads-connect/node";
 *
 * const body = PatchConnectionBodySchema.parse({ selected_account_ids: ["123456789"] });
 * await client.patchConnection(connectionId, body);
 * ```
 */
export const PatchConnectionBodySchema = z
  .object({
    end_user: z
      .object({
        id: z.string().min(1).max(255),
        email: z.email().max(255).optional(),
        display_name: z.string().max(255).optional(),
        tags: z.record(z.string().max(255), z.string().max(255)).optional(),
      })
      .optional(),
    tags: z.record(z.string().max(255), z.string().max(255)).optional(),
    metadata: z.record(z.string().max(255), z.unknown()).optional(),
    /** Replaces the selection: ids of active ad accounts of this connection (any subset, [] included). */
    selected_account_ids: z.array(z.string().min(1).max(64)).max(10_000).optional(),
  })
  .strict();

/**
 * A parsed {@link PatchConnectionBodySchema}: what `client.patchConnection` takes.
 *
 * @example
 * ```ts
 * import type { PatchConnectionBody } from "@ads-connect/node";
 *
 * const body: PatchConnectionBody = { tags: { plan: "pro" }, metadata: { crm_id: 7 } };
 * await client.patchConnection(connectionId, body);
 * ```
 */
export type PatchConnectionBody = z.infer<typeof PatchConnectionBodySchema>;

/**
 * `{ success }`: the answer of routes that only say whether they did it (`PATCH` and `DELETE /connections/:id`).
 *
 * @example
 * ```ts
 * import { SuccessResponseSchema } from "@ads-connect/node";
 *
 * const { success } = SuccessResponseSchema.parse(await response.json());
 * ```
 */
export const SuccessResponseSchema = z.object({ success: z.boolean() });
