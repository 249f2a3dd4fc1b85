import { AdAccountSchema, type AdAccount, type ConnectionSummary } from "@ads-connect/shared";
import type { Kysely } from "kysely";
import { parseJson } from "../services/json.js";
import type { ConnectionRow } from "../store/connectionStore.js";
import type { Database } from "../store/schema.js";
import { publicAccountsError, type StoredAccountsError } from "./accountsError.js";

type AccountFields = Pick<ConnectionSummary, "accounts" | "selected_account_ids" | "removed_selected_account_ids" | "accounts_error" | "accounts_synced_at">;

/** Active accounts of several connections in one query, each list in Microsoft's order. */
export async function activeAccountsOf(db: Kysely<Database>, connectionIds: string[]): Promise<Map<string, AdAccount[]>> {
  const byConnection = new Map<string, AdAccount[]>(connectionIds.map((id) => [id, []]));
  if (connectionIds.length === 0) return byConnection;
  const rows = await db
    .selectFrom("ad_accounts")
    .select(["connection_id", "data"])
    .where("connection_id", "in", connectionIds)
    .where("deleted_at", "is", null)
    .orderBy("connection_id")
    .orderBy("position")
    .execute();
  for (const row of rows) byConnection.get(row.connection_id)?.push(AdAccountSchema.parse(JSON.parse(row.data)));
  return byConnection;
}

/** The account fields of the connection API (Nango's connection plus ours). */
export function connectionAccountFields(row: ConnectionRow, accounts: AdAccount[]): AccountFields {
  const selected = row.selected_account_ids ? parseJson<string[]>(row.selected_account_ids) : null;
  const active = new Set(accounts.map((a) => a.id));
  return {
    accounts,
    selected_account_ids: selected,
    removed_selected_account_ids: (selected ?? []).filter((id) => !active.has(id)),
    accounts_error: publicAccountsError(row.accounts_error ? parseJson<StoredAccountsError>(row.accounts_error) : null),
    accounts_synced_at: row.accounts_synced_at === null ? null : new Date(row.accounts_synced_at).toISOString(),
  };
}
