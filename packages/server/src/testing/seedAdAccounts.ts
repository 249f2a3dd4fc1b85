import type { AdAccount } from "@ads-connect/shared";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";

/** An `AdAccount` with plausible values; `n` makes the ids, number and name distinct. */
export function testAdAccount(n: number, overrides: Partial<AdAccount> = {}): AdAccount {
  return {
    id: String(180_278_000 + n),
    customer_id: overrides.customer_id ?? "251186883",
    number: `F${(0x12a34b00 + n).toString(16).toUpperCase()}`,
    name: `Contoso Ads ${n}`,
    currency: "USD",
    time_zone: "PacificTimeUSCanadaTijuana",
    status: "Active",
    pause_reason: null,
    language: "English",
    financial_status: "ClearFinancialStatus",
    mode: "Expert",
    ...overrides,
  };
}

/**
 * Stores ad accounts for a connection as discovery would (Microsoft's order = array order); replaces
 * what the connection had. `deleted` ids are kept but marked deleted.
 */
export async function seedAdAccounts(db: Kysely<Database>, connectionId: string, accounts: AdAccount[], options: { deleted?: string[]; now?: number } = {}): Promise<void> {
  const now = options.now ?? Date.now();
  await db.deleteFrom("ad_accounts").where("connection_id", "=", connectionId).execute();
  if (accounts.length === 0) return;
  const rows = accounts.map((account, position) => ({
    connection_id: connectionId,
    account_id: account.id,
    customer_id: account.customer_id,
    data: JSON.stringify(account),
    first_seen_at: now,
    last_modified_at: now,
    last_action: options.deleted?.includes(account.id) ? ("DELETED" as const) : ("ADDED" as const),
    deleted_at: options.deleted?.includes(account.id) ? now : null,
    cursor: position + 1,
    position,
  }));
  for (let i = 0; i < rows.length; i += 500) await db.insertInto("ad_accounts").values(rows.slice(i, i + 500)).execute();
}
