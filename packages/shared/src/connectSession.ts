import { z } from "zod";
import { AccountSelectionSchema } from "./adAccount.js";

export const PROVIDER_CONFIG_KEY = "microsoft-ads";

const Tags = z.record(z.string().max(255), z.string().max(255));

export const EndUserInputSchema = z.object({
  id: z.string().min(1).max(255),
  email: z.email().max(255).optional(),
  display_name: z.string().max(255).optional(),
  tags: Tags.optional(),
});
export type EndUserInput = z.infer<typeof EndUserInputSchema>;

export const OrganizationInputSchema = z.object({
  id: z.string().min(1).max(255),
  display_name: z.string().max(255).optional(),
});

/** Per-integration overrides a product backend may set on a session (Nango's shape). */
export const IntegrationConfigDefaultsSchema = z.object({
  user_scopes: z.string().max(2000).optional(),
  authorization_params: z.record(z.string().max(100), z.string().max(2000)).optional(),
  connection_config: z.record(z.string().max(100), z.unknown()).optional(),
});
export type IntegrationConfigDefaults = z.infer<typeof IntegrationConfigDefaultsSchema>;

const ConnectSessionCommon = {
  organization: OrganizationInputSchema.optional(),
  allowed_integrations: z.array(z.string().max(255)).max(50).optional(),
  integrations_config_defaults: z.record(z.string().max(255), IntegrationConfigDefaultsSchema).optional(),
  tags: Tags.optional(),
  /**
   * How many ad accounts the popup's picker lets the person choose: one (radio buttons), several
   * (checkboxes), or all of them without asking. Default: `"multiple"`.
   */
  account_selection: AccountSelectionSchema.optional(),
};

export const CreateConnectSessionBodySchema = z.object({
  end_user: EndUserInputSchema,
  ...ConnectSessionCommon,
});
export type CreateConnectSessionBody = z.infer<typeof CreateConnectSessionBodySchema>;

export const CreateReconnectSessionBodySchema = z.object({
  connection_id: z.string().min(1).max(255),
  integration_id: z.string().min(1).max(255),
  end_user: EndUserInputSchema.optional(),
  ...ConnectSessionCommon,
});
export type CreateReconnectSessionBody = z.infer<typeof CreateReconnectSessionBodySchema>;

export const ConnectSessionResponseSchema = z.object({
  data: z.object({
    token: z.string(),
    connect_link: z.string(),
    expires_at: z.string(),
  }),
});
export type ConnectSessionResponse = z.infer<typeof ConnectSessionResponseSchema>;

/**
 * `POST /connect/sessions/change-accounts`: a session whose popup shows only the account picker for
 * an existing connection (no sign-in at Microsoft); its success result names the new selection.
 */
export const CreateChangeAccountsSessionBodySchema = z.object({
  connection_id: z.string().min(1).max(255),
  integration_id: z.string().min(1).max(255),
  account_selection: AccountSelectionSchema.optional(),
});
export type CreateChangeAccountsSessionBody = z.infer<typeof CreateChangeAccountsSessionBodySchema>;
