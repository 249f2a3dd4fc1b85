import type { AdAccount } from "@ads-connect/shared";
import type { Insertable, Transaction } from "kysely";
import type { AdAccountTable, Database } from "../store/schema.js";

const INSERT_BATCH = 500;

export interface SyncCounts {
  added: number;
  updated: number;
  deleted: number;
}

/**
 * Compares what Microsoft returned now with what is stored and writes the difference, inside the
 * caller's transaction (which must hold the connection row's lock): new accounts ADDED, changed
 * ones (name, status, currency …, or back after being gone) UPDATED, vanished ones marked DELETED
 * with `deleted_at` and kept. Each change takes the next cursor; a move in Microsoft's order alone
 * updates `position` without counting as a change.
 */
export async function applyAccountSync(trx: Transaction<Database>, connectionId: string, fetched: AdAccount[], now: number): Promise<SyncCounts & { removed: string[] }> {
  const stored = await trx.selectFrom("ad_accounts").selectAll().where("connection_id", "=", connectionId).execute();
  const byId = new Map(stored.map((row) => [row.account_id, row]));
  const max = await trx.selectFrom("ad_accounts").select((eb) => eb.fn.max("cursor").as("max")).where("connection_id", "=", connectionId).executeTakeFirst();
  let cursor = Number(max?.max ?? 0);
  const counts = { added: 0, updated: 0, deleted: 0 };
  const removed: string[] = [];
  const seen = new Set<string>();
  const inserts: Insertable<AdAccountTable>[] = [];

  for (const [position, account] of fetched.entries()) {
    if (seen.has(account.id)) continue;
    seen.add(account.id);
    const data = JSON.stringify(account);
    const row = byId.get(account.id);
    if (!row) {
      counts.added++;
      inserts.push({ connection_id: connectionId, account_id: account.id, customer_id: account.customer_id, data, first_seen_at: now, last_modified_at: now, last_action: "ADDED", deleted_at: null, cursor: ++cursor, position });
      continue;
    }
    const changes: Partial<AdAccountTable> = {};
    if (row.data !== data || row.deleted_at !== null) {
      counts.updated++;
      Object.assign(changes, { data, customer_id: account.customer_id, last_modified_at: now, last_action: "UPDATED", deleted_at: null, cursor: ++cursor });
    }
    if (row.position !== position) changes.position = position;
    if (Object.keys(changes).length > 0) {
      await trx.updateTable("ad_accounts").set(changes).where("connection_id", "=", connectionId).where("account_id", "=", account.id).execute();
    }
  }
  // A discovery may add thousands: a few multi-row inserts, not one round trip each.
  for (let i = 0; i < inserts.length; i += INSERT_BATCH) await trx.insertInto("ad_accounts").values(inserts.slice(i, i + INSERT_BATCH)).execute();
  for (const row of stored) {
    if (seen.has(row.account_id) || row.deleted_at !== null) continue;
    counts.deleted++;
    removed.push(row.account_id);
    await trx
      .updateTable("ad_accounts")
      .set({ last_modified_at: now, last_action: "DELETED", deleted_at: now, cursor: ++cursor })
      .where("connection_id", "=", connectionId)
      .where("account_id", "=", row.account_id)
      .execute();
  }
  return { ...counts, removed };
}
