import type { AdAccount } from "@ads-connect/shared";
import type { AdAccountStore, NewAdAccountRow } from "../store/adAccountStore.js";
import type { AdAccountTable } from "../store/schema.js";

export interface SyncCounts {
  added: number;
  updated: number;
  deleted: number;
}

/**
 * Compares what Microsoft returned now with what is stored and writes the difference, inside the
 * caller's transaction (`store` bound to it, which must hold the connection row's lock): new accounts ADDED, changed
 * ones (name, status, currency …, or back after being gone) UPDATED, vanished ones marked DELETED
 * with `deleted_at` and kept. Each change takes the next cursor; a move in Microsoft's order alone
 * updates `position` without counting as a change.
 */
export async function applyAccountSync(
  store: AdAccountStore,
  connectionId: string,
  fetched: AdAccount[],
  now: number,
): Promise<SyncCounts & { removed: string[] }> {
  const stored = await store.listForConnection(connectionId);
  const byId = new Map(stored.map((row) => [row.account_id, row]));
  let cursor = await store.maxCursor(connectionId);
  const counts = { added: 0, updated: 0, deleted: 0 };
  const removed: string[] = [];
  const seen = new Set<string>();
  const inserts: NewAdAccountRow[] = [];

  for (const [position, account] of fetched.entries()) {
    if (seen.has(account.id)) continue;
    seen.add(account.id);
    const data = JSON.stringify(account);
    const row = byId.get(account.id);
    if (!row) {
      counts.added++;
      inserts.push({
        connection_id: connectionId,
        account_id: account.id,
        customer_id: account.customer_id,
        data,
        first_seen_at: now,
        last_modified_at: now,
        last_action: "ADDED",
        deleted_at: null,
        cursor: ++cursor,
        position,
      });
      continue;
    }
    const changes: Partial<AdAccountTable> = {};
    if (row.data !== data || row.deleted_at !== null) {
      counts.updated++;
      Object.assign(changes, { data, customer_id: account.customer_id, last_modified_at: now, last_action: "UPDATED", deleted_at: null, cursor: ++cursor });
    }
    if (row.position !== position) changes.position = position;
    if (Object.keys(changes).length > 0) {
      await store.update(connectionId, account.id, changes);
    }
  }
  await store.insertMany(inserts);
  for (const row of stored) {
    if (seen.has(row.account_id) || row.deleted_at !== null) continue;
    counts.deleted++;
    removed.push(row.account_id);
    await store.update(connectionId, row.account_id, { last_modified_at: now, last_action: "DELETED", deleted_at: now, cursor: ++cursor });
  }
  return { ...counts, removed };
}
