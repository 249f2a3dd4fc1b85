import { z } from "zod";

/**
 * `POST /action/trigger` body (Nango's; `Connection-Id` and `Provider-Config-Key` are headers).
 *
 * @example
 * ```ts
 * import { TriggerActionBodySchema } from "@ads-connect/node";
 *
 * const body = TriggerActionBodySchema.parse({ action_name: "list-campaigns", input: { account_id: "123456789" } });
 * ```
 */
export const TriggerActionBodySchema = z.object({
  action_name: z.string().min(1).max(100),
  /** The action's input; missing means `{}`. */
  input: z.unknown().optional(),
});

/**
 * A parsed {@link TriggerActionBodySchema}: the `POST /action/trigger` body.
 *
 * @example
 * ```ts
 * import type { TriggerActionBody } from "@ads-connect/node";
 *
 * const body: TriggerActionBody = { action_name: "list-campaigns", input: { account_id: "123456789" } };
 * const headers = { Authorization: `Bearer ${secretKey}`, "Connection-Id": connectionId, "Provider-Config-Key": "microsoft-ads" };
 * await fetch(`${serverUrl}/action/trigger`, { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify(body) });
 * ```
 */
export type TriggerActionBody = z.infer<typeof TriggerActionBodySchema>;

/**
 * An action `GET /actions` lists.
 *
 * @example
 * ```ts
 * import { ActionInfoSchema } from "@ads-connect/node";
 *
 * const action = ActionInfoSchema.parse(json);
 * console.log(action.name, action.source, action.input_schema);
 * ```
 */
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

/**
 * A parsed {@link ActionInfoSchema}: one action `GET /actions` lists.
 *
 * @example
 * ```ts
 * import type { ActionInfo } from "@ads-connect/node";
 *
 * const customFiles = (actions: ActionInfo[]) => actions.filter((a) => a.source === "custom").map((a) => a.file);
 * ```
 */
export type ActionInfo = z.infer<typeof ActionInfoSchema>;

/**
 * An ACTIONS_DIR module that could not be loaded, and why (the server runs without it).
 *
 * @example
 * ```ts
 * import { ActionLoadFailureSchema } from "@ads-connect/node";
 *
 * const failure = ActionLoadFailureSchema.parse({ file: "sync-budgets.ts", reason: "SyntaxError: Unexpected token" });
 * ```
 */
export const ActionLoadFailureSchema = z.object({ file: z.string(), reason: z.string() });

/**
 * A parsed {@link ActionLoadFailureSchema}: an ACTIONS_DIR module the server could not load.
 *
 * @example
 * ```ts
 * import type { ActionLoadFailure } from "@ads-connect/node";
 *
 * function warn(failure: ActionLoadFailure) {
 *   console.warn(`${failure.file} was not loaded: ${failure.reason}`);
 * }
 * ```
 */
export type ActionLoadFailure = z.infer<typeof ActionLoadFailureSchema>;

/**
 * `GET /actions`.
 *
 * @example
 * ```ts
 * import { ActionsListResponseSchema } from "@ads-connect/node";
 *
 * const { actions, failed } = ActionsListResponseSchema.parse(await response.json()); // GET /actions
 * console.log(actions.map((a) => a.name), failed.length);
 * ```
 */
export const ActionsListResponseSchema = z.object({ actions: z.array(ActionInfoSchema), failed: z.array(ActionLoadFailureSchema) });

/**
 * A parsed {@link ActionsListResponseSchema}: what `GET /actions` answers.
 *
 * @example
 * ```ts
 * import type { ActionsListResponse } from "@ads-connect/node";
 *
 * const actionNames = (list: ActionsListResponse): string[] => list.actions.map((a) => a.name);
 * ```
 */
export type ActionsListResponse = z.infer<typeof ActionsListResponseSchema>;

/**
 * One call to Microsoft Advertising for a connection, as the backend client's `proxy()` and an
 * action's `ctx.proxy()` take it (the server adds the host, the tokens and the account headers).
 *
 * @example
 * ```ts
 * import type { MsAdsRequest } from "@ads-connect/node";
 *
 * const request: MsAdsRequest = {
 *   method: "POST",
 *   endpoint: "/CampaignManagement/v13/Campaigns/QueryByAccountId",
 *   data: { AccountId: "123456789", CampaignType: "Search" },
 * };
 * ```
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

/**
 * Microsoft Advertising's answer to an {@link MsAdsRequest}.
 *
 * @example
 * ```ts
 * import type { MsAdsResponse } from "@ads-connect/node";
 *
 * function campaignNames(response: MsAdsResponse<{ Campaigns: { Id: string; Name: string }[] }>): string[] {
 *   return response.status === 200 ? response.data.Campaigns.map((c) => c.Name) : [];
 * }
 * ```
 */
export interface MsAdsResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  /** The parsed JSON body (the text when it is not JSON). */
  data: T;
}

/**
 * `JSON.parse`, or undefined for text that is not JSON.
 *
 * @example
 * ```ts
 * import { parseJsonText } from "@ads-connect/node";
 *
 * parseJsonText('{"ok":true}'); // { ok: true }
 * parseJsonText("<html>Bad Gateway</html>"); // undefined
 * ```
 */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
