import { type AdAccount, type ConnectionSummary, pagedRequest } from "@ads-connect/shared";
import type { Logger } from "pino";
import { AppError } from "../errors.js";
import type { ActionProxy } from "./actionProxy.js";
import { type ActionContext, ActionError, type ActionProxyRequest } from "./defineAction.js";

/**
 * An action that needs the end user's choice while none was made (the picker is open, or was left
 * open until its deadline): nobody chose an account, so none is acted on.
 */
export function accountsNotChosen(): AppError {
  return new AppError(
    "accounts_not_chosen",
    "The end user has not chosen any Microsoft Advertising account for this connection yet (the account picker is open or was left unanswered). Let them choose in a change-accounts session, set selected_account_ids with PATCH /connections/:id, or name an account_id.",
    409,
  );
}

/** The `ctx` of one run: the connection (no tokens), its accounts, proxy and paging bound to it. */
export function actionContext(deps: { connection: ConnectionSummary; proxy: ActionProxy; logger: Logger }): ActionContext {
  const { connection: summary, proxy, logger } = deps;
  const all = summary.accounts;
  // Null means nobody chose yet (as for the proxy): no account is selected, never "all of them".
  const chosen = summary.selected_account_ids !== null;
  const ids = new Set(summary.selected_account_ids ?? []);
  const selected = all.filter((a) => ids.has(a.id));
  const get = (accountId?: string | null): AdAccount => {
    if (accountId) {
      const account = all.find((a) => a.id === accountId);
      if (!account) throw new ActionError(`Account ${accountId} is not one of this connection's Microsoft Advertising accounts`, 400);
      return account;
    }
    if (!chosen) throw accountsNotChosen();
    const first = selected[0];
    if (!first) throw new ActionError("The connection has no selected Microsoft Advertising account", 409);
    return first;
  };
  const call = async <T>(request: ActionProxyRequest) => {
    let { customerId, accountId } = request;
    // Account-scoped by default: the given account (its customer), else the first selected one.
    if (accountId !== undefined) customerId ??= get(accountId).customer_id;
    else if (customerId === undefined && selected[0]) ({ id: accountId, customer_id: customerId } = selected[0]);
    if (customerId !== undefined && !all.some((a) => a.customer_id === customerId))
      throw new ActionError(`Customer ${customerId} is not one of this connection's Microsoft Advertising customers`, 400);
    const query = request.params ? new URLSearchParams(Object.entries(request.params).map(([k, v]) => [k, String(v)])).toString() : "";
    const answer = await proxy.call({
      connectionId: summary.connection_id,
      method: (request.method ?? "GET").toUpperCase(),
      endpoint: query ? `${request.endpoint}${request.endpoint.includes("?") ? "&" : "?"}${query}` : request.endpoint,
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.data !== undefined ? { body: request.data } : {}),
      ...(customerId !== undefined ? { customerId } : {}),
      ...(accountId !== undefined ? { accountId } : {}),
    });
    return { status: answer.status, headers: answer.headers, data: answer.body as T };
  };
  return {
    connection: { id: summary.connection_id, provider_config_key: summary.provider_config_key, status: summary.status, end_user: summary.end_user },
    accounts: { selected, chosen, all, get },
    proxy: call,
    paginate: <T>(request: Parameters<ActionContext["paginate"]>[0]) =>
      pagedRequest<T>(
        request,
        async (data) =>
          (
            await call({
              method: request.method ?? "POST",
              endpoint: request.endpoint,
              data,
              ...(request.headers ? { headers: request.headers } : {}),
              ...(request.customerId ? { customerId: request.customerId } : {}),
              ...(request.accountId ? { accountId: request.accountId } : {}),
            })
          ).data,
      ),
    logger,
  };
}
