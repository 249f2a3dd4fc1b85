import { AdAccountSchema, type AdAccount, type ConnectionSummary } from "@ads-connect/shared";
import type { Kysely } from "kysely";
import { parseJson } from "../util/parseJson.js";
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

/**
 * Parsed active-account lists per connection for the connection API's reads, each valid while the
 * connection row's `accounts_synced_at` is still the one it was read at: every write of a
 * connection's accounts (AccountSync) sets that column in the same transaction, and every read
 * gets the row first, so a sync on any instance is seen at once. A connection never synced has no
 * accounts and costs no query.
 */
export class AccountListCache {
  private readonly lists = new Map<string, { syncedAt: number; accounts: AdAccount[] }>();

  constructor(private readonly maxEntries = 10_000) {}

  async activeAccounts(db: Kysely<Database>, rows: Pick<ConnectionRow, "connection_id" | "accounts_synced_at">[]): Promise<Map<string, AdAccount[]>> {
    const result = new Map<string, AdAccount[]>();
    const missing: { connection_id: string; accounts_synced_at: number }[] = [];
    for (const row of rows) {
      if (row.accounts_synced_at === null) {
        result.set(row.connection_id, []);
        continue;
      }
      const hit = this.lists.get(row.connection_id);
      if (hit && hit.syncedAt === row.accounts_synced_at) result.set(row.connection_id, hit.accounts);
      else missing.push({ connection_id: row.connection_id, accounts_synced_at: row.accounts_synced_at });
    }
    if (missing.length === 0) return result;
    const fetched = await activeAccountsOf(
      db,
      missing.map((row) => row.connection_id),
    );
    for (const row of missing) {
      const accounts = fetched.get(row.connection_id) ?? [];
      result.set(row.connection_id, accounts);
      this.lists.delete(row.connection_id);
      this.lists.set(row.connection_id, { syncedAt: row.accounts_synced_at, accounts });
      if (this.lists.size > this.maxEntries) this.lists.delete(this.lists.keys().next().value!);
    }
    return result;
  }
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
