import type { AdAccount, ApiEndUser, ConnectionStatus, MsAdsRequest, MsAdsResponse, PagedRequest } from "@ads-connect/shared";
import type { Logger } from "pino";
import type { z } from "zod";
import { AppError } from "../errors.js";

/** Marks a defineAction result, across copies of this module (an ACTIONS_DIR module may load its own). */
const ACTION = Symbol.for("ads-connect.action");
const ACTION_ERROR = Symbol.for("ads-connect.action-error");

/** `ctx.proxy`'s call (the backend client's `proxy()` takes the same, plus the connection id). */
export type ActionProxyRequest = MsAdsRequest;
export type ActionProxyResponse<T = unknown> = MsAdsResponse<T>;

/** What an action knows about the connection it runs for (no tokens). */
export interface ActionConnection {
  id: string;
  provider_config_key: string;
  status: ConnectionStatus;
  end_user: ApiEndUser | null;
}

export interface ActionAccounts {
  /** The accounts the end user chose, in Microsoft's order; none while no choice was made (see `chosen`). */
  selected: AdAccount[];
  /** False while the end user has not chosen in the account picker (it is open, or was left until its deadline). */
  chosen: boolean;
  /** Every account the user reaches (deleted ones left out). */
  all: AdAccount[];
  /** The account with this id (one of the connection's), or the first selected one; throws otherwise (409 `accounts_not_chosen` while no choice was made). */
  get(accountId?: string | null): AdAccount;
}

/** What `run` gets besides its input. */
export interface ActionContext {
  connection: ActionConnection;
  accounts: ActionAccounts;
  /** Calls Microsoft Advertising for this connection: fresh token, developer token and account headers injected. */
  proxy<T = unknown>(request: ActionProxyRequest): Promise<ActionProxyResponse<T>>;
  /**
   * Microsoft's `PageInfo` paging (zero-based page index, Size ≤ 1000, stops on a short page): the
   * request is sent with `PageInfo` in its body for each page, each page's `items` array yielded.
   */
  paginate<T = unknown>(request: PagedRequest): AsyncGenerator<T[], void, undefined>;
  /** Lines carry the action's name and connection id; secrets and personal data are scrubbed. */
  logger: Logger;
}

export interface ActionDefinition<I extends z.ZodType, O extends z.ZodType> {
  /** Lower-case letters, digits and dashes, e.g. "list-campaigns": what `action_name` names. */
  name: string;
  description?: string;
  /** Validates `input` (a missing input is `{}`); a failure is a 400 naming each field. */
  input: I;
  /** Validates what `run` returns; a mismatch is the action's bug (a 500), never sent unchecked. */
  output: O;
  run(ctx: ActionContext, input: z.output<I>): Promise<z.input<O>>;
}

export type Action<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> = Readonly<ActionDefinition<I, O>> & { readonly [ACTION]: true };

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

const isSchema = (value: unknown): value is z.ZodType =>
  typeof value === "object" && value !== null && typeof (value as { safeParse?: unknown }).safeParse === "function";

/**
 * An action for POST /action/trigger: its name, zod schemas for input and output, and `run`.
 * Export the result from a module in ACTIONS_DIR (default or named export, several per module).
 *
 * @example
 * export default defineAction({
 *   name: "count-campaigns",
 *   input: z.object({ account_id: z.string().optional() }),
 *   output: z.object({ count: z.number() }),
 *   async run(ctx, input) {
 *     const account = ctx.accounts.get(input.account_id);
 *     const { data } = await ctx.proxy<{ Campaigns: unknown[] }>({ method: "POST", endpoint: "/CampaignManagement/v13/Campaigns/QueryByAccountId", data: { AccountId: account.id }, accountId: account.id });
 *     return { count: data.Campaigns.length };
 *   },
 * });
 */
export function defineAction<I extends z.ZodType, O extends z.ZodType>(definition: ActionDefinition<I, O>): Action<I, O> {
  if (typeof definition !== "object" || definition === null) throw new TypeError("defineAction needs an object { name, input, output, run }");
  if (typeof definition.name !== "string" || !NAME.test(definition.name))
    throw new TypeError(`defineAction: name must be lower-case letters, digits and dashes (got ${JSON.stringify(definition.name)})`);
  if (!isSchema(definition.input)) throw new TypeError(`defineAction "${definition.name}": input must be a zod schema`);
  if (!isSchema(definition.output)) throw new TypeError(`defineAction "${definition.name}": output must be a zod schema`);
  if (typeof definition.run !== "function") throw new TypeError(`defineAction "${definition.name}": run must be a function`);
  if (definition.description !== undefined && typeof definition.description !== "string")
    throw new TypeError(`defineAction "${definition.name}": description must be a string`);
  return Object.freeze({ ...definition, [ACTION]: true as const });
}

/** Whether a module export is a defineAction result. */
export function isAction(value: unknown): value is Action {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[ACTION] === true;
}

/**
 * A failure an action reports on purpose: the caller gets `status` (default 400; 500 when it is no
 * 4xx/5xx) with the code `action_failed` and this message (keep tokens and personal data out of it).
 */
export class ActionError extends AppError {
  override name = "ActionError";
  readonly [ACTION_ERROR] = true;
  constructor(message: string, status: number = 400) {
    super("action_failed", message, Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500);
  }
}

/** Whether an error is an ActionError, from this copy of the module or another. */
export function isActionError(err: unknown): err is ActionError {
  return err instanceof Error && (err as unknown as Record<symbol, unknown>)[ACTION_ERROR] === true;
}
