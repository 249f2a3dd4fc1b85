import { z } from "zod";
import { AccountsErrorSchema } from "./accountSync.js";
import { AdAccountSchema } from "./adAccount.js";
import { AccountSchema } from "./connectResult.js";

export const ConnectionStatusSchema = z.enum(["connected", "refreshing", "expired", "error"]);
export type ConnectionStatus = z.infer<typeof ConnectionStatusSchema>;

export const ApiEndUserSchema = z.object({
  id: z.string(),
  display_name: z.string().nullable(),
  email: z.string().nullable(),
  /** `{}` when the session set none (Nango's document requires an object). */
  tags: z.record(z.string(), z.string()),
  organization: z.object({ id: z.string(), display_name: z.string().nullable() }).nullable(),
});
export type ApiEndUser = z.infer<typeof ApiEndUserSchema>;

export const ConnectionErrorSchema = z.object({ type: z.string(), log_id: z.string() });

/** An item of `GET /connections` (Nango's ApiPublicConnection plus our own fields). */
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
export type ConnectionSummary = z.infer<typeof ConnectionSummarySchema>;

export const ListConnectionsResponseSchema = z.object({ connections: z.array(ConnectionSummarySchema) });
export type ListConnectionsResponse = z.infer<typeof ListConnectionsResponseSchema>;

export const OAuth2CredentialsSchema = z.object({
  type: z.literal("OAUTH2"),
  access_token: z.string(),
  refresh_token: z.string().optional(),
  expires_at: z.string(),
  raw: z.record(z.string(), z.unknown()),
});
export type OAuth2Credentials = z.infer<typeof OAuth2CredentialsSchema>;

/** `GET /connections/:id` (Nango's ApiPublicConnectionFull plus our own fields). */
export const ConnectionSchema = ConnectionSummarySchema.omit({ created: true }).extend({
  /** `{}` when none was set: Nango's document requires an object here (the list allows null). */
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
  last_fetched_at: z.string().nullable(),
  connection_config: z.record(z.string(), z.unknown()),
  credentials: OAuth2CredentialsSchema,
});
export type Connection = z.infer<typeof ConnectionSchema>;

export const ListConnectionsQuerySchema = z.object({
  connectionId: z.string().max(255).optional(),
  endUserId: z.string().max(255).optional(),
  endUserOrganizationId: z.string().max(255).optional(),
  integrationId: z.string().max(1000).optional(),
  search: z.string().max(255).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  page: z.coerce.number().int().min(0).max(1_000_000).optional(),
});
export type ListConnectionsQuery = z.infer<typeof ListConnectionsQuerySchema>;

const BooleanQuery = z.enum(["true", "false"]).transform((v) => v === "true");

export const GetConnectionQuerySchema = z.object({
  provider_config_key: z.string().max(255).optional(),
  force_refresh: BooleanQuery.optional(),
  refresh_token: BooleanQuery.optional(),
});

export const ProviderConfigKeyQuerySchema = z.object({ provider_config_key: z.string().max(255).optional() });

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
export type PatchConnectionBody = z.infer<typeof PatchConnectionBodySchema>;

export const SuccessResponseSchema = z.object({ success: z.boolean() });
