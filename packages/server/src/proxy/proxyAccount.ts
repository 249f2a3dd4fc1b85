import { AppError } from "../errors.js";
import type { AdAccountStore } from "../store/adAccountStore.js";
import type { ConnectionStore } from "../store/connectionStore.js";
import { parseJson } from "../util/parseJson.js";

/** The `CustomerId` / `CustomerAccountId` a proxied call carries (either may be absent: user-level calls). */
export interface ProxyAccountHeaders {
  customerId: string | null;
  accountId: string | null;
}

const ID = /^\d{1,20}$/;

function checkId(value: string | null | undefined, name: string): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (!ID.test(value))
    throw new AppError("invalid_body", `${name} must be a Microsoft Advertising id (digits only)`, 400, {
      details: [{ path: name, message: "must be digits" }],
    });
  return value;
}

/**
 * Which customer and account a call is for: the `Account-Id` / `Customer-Id` override, which must be
 * one of the connection's (active) accounts or their customers (403 otherwise), or else the first
 * of the connection's selected accounts in Microsoft's order; none when nothing is selected.
 */
export async function resolveProxyAccount(
  stores: { connections: ConnectionStore; adAccounts: AdAccountStore },
  connectionId: string,
  override: { customerId?: string | null; accountId?: string | null },
  /** Told the connection's end user as soon as it is read (the call's operation records it). */
  found: (connection: { endUserId: string }) => void = () => {},
): Promise<ProxyAccountHeaders> {
  const customerId = checkId(override.customerId, "Customer-Id");
  const accountId = checkId(override.accountId, "Account-Id");
  const connection = await stores.connections.proxyView(connectionId);
  if (connection === undefined) throw new AppError("not_found", `No connection with id "${connectionId}"`, 404);
  found({ endUserId: connection.end_user_id });
  const selectedIds = connection.selected_account_ids;
  const active = await stores.adAccounts.active(connectionId);
  const notOurs = (what: string) => new AppError("account_not_in_connection", `${what} is not one of this connection's Microsoft Advertising accounts`, 403);
  if (accountId) {
    const account = active.find((a) => a.id === accountId);
    if (!account) throw notOurs(`Account-Id ${accountId}`);
    if (customerId && customerId !== account.customer_id)
      throw new AppError("invalid_body", `Customer-Id ${customerId} is not the customer of account ${accountId} (${account.customer_id})`, 400, {
        details: [{ path: "Customer-Id", message: "does not match Account-Id" }],
      });
    return { customerId: account.customer_id, accountId };
  }
  const ids = new Set(selectedIds ? parseJson<string[]>(selectedIds) : []);
  const selected = active.filter((a) => ids.has(a.id));
  if (customerId) {
    if (!active.some((a) => a.customer_id === customerId)) throw notOurs(`Customer-Id ${customerId}`);
    return { customerId, accountId: selected.find((a) => a.customer_id === customerId)?.id ?? null };
  }
  const first = selected[0];
  return first ? { customerId: first.customer_id, accountId: first.id } : { customerId: null, accountId: null };
}
