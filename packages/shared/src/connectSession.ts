import { z } from "zod";
import { AccountSelectionSchema } from "./adAccount.js";
import { LocaleTagSchema } from "./locale.js";

/**
 * The integration id of Microsoft Advertising (Nango's provider config key): `microsoft-ads`.
 *
 * @example
 * ```ts
 * import { PROVIDER_CONFIG_KEY } from "@ads-connect/node";
 *
 * const { data } = await client.createReconnectSession({ connection_id: connectionId, integration_id: PROVIDER_CONFIG_KEY });
 * ```
 */
export const PROVIDER_CONFIG_KEY = "microsoft-ads";

const Tags = z.record(z.string().max(255), z.string().max(255));

/**
 * The product's own user a connect session is for (`end_user`): an id, and optionally an email, a display name and tags.
 *
 * @example
 * ```ts
 * import { EndUserInputSchema } from "@ads-connect/node";
 *
 * const end_user = EndUserInputSchema.parse({ id: "user-42", email: "ana@example.com", tags: { plan: "pro" } });
 * ```
 */
export const EndUserInputSchema = z.object({
  id: z.string().min(1).max(255),
  email: z.email().max(255).optional(),
  display_name: z.string().max(255).optional(),
  tags: Tags.optional(),
});

/**
 * A parsed {@link EndUserInputSchema}: a connect session's `end_user`.
 *
 * @example
 * ```ts
 * import type { EndUserInput } from "@ads-connect/node";
 *
 * const endUser: EndUserInput = { id: "user-42", display_name: "Ana" };
 * const { data } = await client.createConnectSession({ end_user: endUser });
 * ```
 */
export type EndUserInput = z.infer<typeof EndUserInputSchema>;

/**
 * The product's organization (team, workspace) the end user belongs to: a connect session's `organization`.
 *
 * @example
 * ```ts
 * import { OrganizationInputSchema } from "@ads-connect/node";
 *
 * const organization = OrganizationInputSchema.parse({ id: "org-7", display_name: "Acme" });
 * const { data } = await client.createConnectSession({ end_user: { id: "user-42" }, organization });
 * ```
 */
export const OrganizationInputSchema = z.object({
  id: z.string().min(1).max(255),
  display_name: z.string().max(255).optional(),
});

/**
 * Per-integration overrides a product backend may set on a session (Nango's shape).
 *
 * @example
 * ```ts
 * import { IntegrationConfigDefaultsSchema } from "@ads-connect/node";
 *
 * const defaults = IntegrationConfigDefaultsSchema.parse({ authorization_params: { prompt: "select_account" } });
 * await client.createConnectSession({ end_user: { id: "user-42" }, integrations_config_defaults: { "microsoft-ads": defaults } });
 * ```
 */
export const IntegrationConfigDefaultsSchema = z.object({
  user_scopes: z.string().max(2000).optional(),
  authorization_params: z.record(z.string().max(100), z.string().max(2000)).optional(),
  connection_config: z.record(z.string().max(100), z.unknown()).optional(),
});

/**
 * A parsed {@link IntegrationConfigDefaultsSchema}: a session's overrides for one integration.
 *
 * @example
 * ```ts
 * import type { IntegrationConfigDefaults } from "@ads-connect/node";
 *
 * const defaults: IntegrationConfigDefaults = { authorization_params: { prompt: "select_account" } };
 * ```
 */
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
  /**
   * The popup's language (start, picker and result pages, and Microsoft's sign-in through
   * `ui_locales`); without it, the browser's `Accept-Language` decides.
   */
  locale: LocaleTagSchema.optional(),
};

/**
 * `POST /connect/sessions` body: a session for a new connection of `end_user`; the widget opens the popup with its token.
 *
 * @example
 * ```ts
 * import { CreateConnectSessionBodySchema } from "@ads-connect/node";
 *
 * const body = CreateConnectSessionBodySchema.parse({ end_user: { id: "user-42" }, account_selection: "single" });
 * const { data } = await client.createConnectSession(body);
 * ```
 */
export const CreateConnectSessionBodySchema = z.object({
  end_user: EndUserInputSchema,
  ...ConnectSessionCommon,
});

/**
 * A parsed {@link CreateConnectSessionBodySchema}: what `client.createConnectSession` takes.
 *
 * @example
 * ```ts
 * import type { CreateConnectSessionBody } from "@ads-connect/node";
 *
 * const body: CreateConnectSessionBody = { end_user: { id: "user-42" }, organization: { id: "org-7" }, tags: { plan: "pro" } };
 * const { data } = await client.createConnectSession(body);
 * ```
 */
export type CreateConnectSessionBody = z.infer<typeof CreateConnectSessionBodySchema>;

/**
 * `POST /connect/sessions/reconnect` body: a session that signs an existing connection in again (e.g. once it expired).
 *
 * @example
 * ```ts
 * import { CreateReconnectSessionBodySchema } from "@ads-connect/node";
 *
 * const body = CreateReconnectSessionBodySchema.parse({ connection_id: connectionId, integration_id: "microsoft-ads" });
 * const { data } = await client.createReconnectSession(body);
 * ```
 */
export const CreateReconnectSessionBodySchema = z.object({
  connection_id: z.string().min(1).max(255),
  integration_id: z.string().min(1).max(255),
  end_user: EndUserInputSchema.optional(),
  ...ConnectSessionCommon,
});

/**
 * A parsed {@link CreateReconnectSessionBodySchema}: a reconnect session's body.
 *
 * @example
 * ```ts
 * import type { CreateReconnectSessionBody } from "@ads-connect/node";
 *
 * const body: CreateReconnectSessionBody = { connection_id: connectionId, integration_id: "microsoft-ads", account_selection: "multiple" };
 * const { data } = await client.createReconnectSession(body);
 * ```
 */
export type CreateReconnectSessionBody = z.infer<typeof CreateReconnectSessionBodySchema>;

/**
 * The answer to creating a connect session: the token for the widget, a connect link, and when they expire.
 *
 * @example
 * ```ts
 * import { ConnectSessionResponseSchema } from "@ads-connect/node";
 *
 * const { data } = ConnectSessionResponseSchema.parse(await response.json());
 * console.log(data.token, data.expires_at); // hand the token to the widget
 * ```
 */
export const ConnectSessionResponseSchema = z.object({
  data: z.object({
    token: z.string(),
    connect_link: z.string(),
    expires_at: z.string(),
  }),
});

/**
 * A parsed {@link ConnectSessionResponseSchema}: a new connect session.
 *
 * @example
 * ```ts
 * import type { ConnectSessionResponse } from "@ads-connect/node";
 *
 * const session: ConnectSessionResponse = await client.createConnectSession({ end_user: { id: "user-42" } });
 * const forTheWidget = { token: session.data.token, expiresAt: session.data.expires_at };
 * ```
 */
export type ConnectSessionResponse = z.infer<typeof ConnectSessionResponseSchema>;

/**
 * `POST /connect/sessions/change-accounts`: a session whose popup shows only the account picker for
 * an existing connection (no sign-in at Microsoft); its success result names the new selection.
 *
 * @example
 * ```ts
 * import { CreateChangeAccountsSessionBodySchema } from "@ads-connect/node";
 *
 * const body = CreateChangeAccountsSessionBodySchema.parse({ connection_id: connectionId, integration_id: "microsoft-ads" });
 * const { data } = await client.createChangeAccountsSession(body);
 * ```
 */
export const CreateChangeAccountsSessionBodySchema = z.object({
  connection_id: z.string().min(1).max(255),
  integration_id: z.string().min(1).max(255),
  account_selection: AccountSelectionSchema.optional(),
  locale: LocaleTagSchema.optional(),
});

/**
 * A parsed {@link CreateChangeAccountsSessionBodySchema}: a change-accounts session's body.
 *
 * @example
 * ```ts
 * import type { CreateChangeAccountsSessionBody } from "@ads-connect/node";
 *
 * const body: CreateChangeAccountsSessionBody = { connection_id: connectionId, integration_id: "microsoft-ads", account_selection: "single" };
 * const { data } = await client.createChangeAccountsSession(body);
 * ```
 */
export type CreateChangeAccountsSessionBody = z.infer<typeof CreateChangeAccountsSessionBodySchema>;
