import { z } from "zod";

/** `POST /action/trigger` body (Nango's; `Connection-Id` and `Provider-Config-Key` are headers). */
export const TriggerActionBodySchema = z.object({
  action_name: z.string().min(1).max(100),
  /** The action's input; missing means `{}`. */
  input: z.unknown().optional(),
});
export type TriggerActionBody = z.infer<typeof TriggerActionBodySchema>;

/** An action `GET /actions` lists. */
export const ActionInfoSchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  /** "prebuilt" ships with ads-connect; "custom" came from ACTIONS_DIR. */
  source: z.enum(["prebuilt", "custom"]),
  /** The ACTIONS_DIR file (relative) of a custom action. */
  file: z.string().nullable(),
  /** JSON Schema of the input and the output (null when the zod schema has no JSON Schema form). */
  input_schema: z.record(z.string(), z.unknown()).nullable(),
  output_schema: z.record(z.string(), z.unknown()).nullable(),
});
export type ActionInfo = z.infer<typeof ActionInfoSchema>;

/** An ACTIONS_DIR module that could not be loaded, and why (the server runs without it). */
export const ActionLoadFailureSchema = z.object({ file: z.string(), reason: z.string() });
export type ActionLoadFailure = z.infer<typeof ActionLoadFailureSchema>;

/** `GET /actions`. */
export const ActionsListResponseSchema = z.object({ actions: z.array(ActionInfoSchema), failed: z.array(ActionLoadFailureSchema) });
export type ActionsListResponse = z.infer<typeof ActionsListResponseSchema>;

/**
 * One call to Microsoft Advertising for a connection, as the backend client's `proxy()` and an
 * action's `ctx.proxy()` take it (the server adds the host, the tokens and the account headers).
 */
export interface MsAdsRequest {
  /** Default GET. */
  method?: string;
  /** A Microsoft Advertising API path, e.g. "/CampaignManagement/v13/Campaigns/QueryByAccountId"; the host follows from it. */
  endpoint: string;
  /** JSON body. */
  data?: unknown;
  /** Query string parameters. */
  params?: Record<string, string | number | boolean>;
  /** Your own headers; Authorization, DeveloperToken, CustomerId and CustomerAccountId are always ads-connect's. */
  headers?: Record<string, string>;
  /** `CustomerId` override: one of the connection's customers (default: the account's customer). */
  customerId?: string;
  /** `CustomerAccountId` override: one of the connection's accounts (default: the first selected account). */
  accountId?: string;
}

/** Microsoft Advertising's answer to an {@link MsAdsRequest}. */
export interface MsAdsResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  /** The parsed JSON body (the text when it is not JSON). */
  data: T;
}

/** `JSON.parse`, or undefined for text that is not JSON. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
