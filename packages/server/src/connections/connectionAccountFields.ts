import type { AdAccount, ConnectionSummary } from "@ads-connect/shared";
import type { AdAccountStore } from "../store/adAccountStore.js";
import type { ConnectionRow } from "../store/connectionStore.js";
import { parseJson } from "../util/parseJson.js";
import { publicAccountsError, type StoredAccountsError } from "./accountsError.js";

type AccountFields = Pick<ConnectionSummary, "accounts" | "selected_account_ids" | "removed_selected_account_ids" | "accounts_error" | "accounts_synced_at">;

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

  async activeAccounts(store: AdAccountStore, rows: Pick<ConnectionRow, "connection_id" | "accounts_synced_at">[]): Promise<Map<string, AdAccount[]>> {
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
    const fetched = await store.activeByConnection(missing.map((row) => row.connection_id));
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
