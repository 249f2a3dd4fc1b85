import { createHash } from "node:crypto";
import type { SyncRecordStore } from "../store/syncRecordStore.js";

export interface RecordCounts {
  added: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

export const noCounts = (): RecordCounts => ({ added: 0, updated: 0, deleted: 0, unchanged: 0 });
export const addCounts = (a: RecordCounts, b: RecordCounts): RecordCounts => ({
  added: a.added + b.added,
  updated: a.updated + b.updated,
  deleted: a.deleted + b.deleted,
  unchanged: a.unchanged + b.unchanged,
});

const hashOf = (data: string) => createHash("sha1").update(data).digest("base64url");

/**
 * Writes one batch of fetched records inside the caller's transaction (`store` bound to it; one
 * run per connection and sync holds the lease, so cursors cannot collide): new ones ADDED, those
 * whose content hash changed (or that come back after being deleted) UPDATED, the rest left alone
 * and counted unchanged; `deleteIds` (of the same account) marked DELETED. Each change takes the
 * next cursor of the connection's model.
 */
export async function applyRecords(
  store: SyncRecordStore,
  input: {
    connectionId: string;
    model: string;
    accountId: string;
    records: readonly { id: string; date?: string }[];
    deleteIds?: readonly string[];
    now: number;
  },
): Promise<RecordCounts> {
  const { connectionId, model, accountId, now } = input;
  const counts = noCounts();
  const stored = await store.hashes(connectionId, model, [...input.records.map((r) => r.id), ...(input.deleteIds ?? [])]);
  let cursor = await store.maxCursor(connectionId, model);
  const inserts = [];
  const seen = new Set<string>();
  for (const record of input.records) {
    if (seen.has(record.id)) continue;
    seen.add(record.id);
    const data = JSON.stringify(record);
    const data_hash = hashOf(data);
    const row = stored.get(record.id);
    if (!row) {
      counts.added++;
      inserts.push({
        connection_id: connectionId,
        model,
        record_id: record.id,
        account_id: accountId,
        record_date: record.date ?? null,
        data,
        data_hash,
        first_seen_at: now,
        last_modified_at: now,
        last_action: "ADDED" as const,
        deleted_at: null,
        cursor: ++cursor,
      });
    } else if (row.hash !== data_hash || row.deleted) {
      counts.updated++;
      await store.update(connectionId, model, record.id, { data, data_hash, at: now, cursor: ++cursor });
    } else counts.unchanged++;
  }
  await store.insertMany(inserts);
  for (const id of input.deleteIds ?? []) {
    const row = stored.get(id);
    if (!row || row.deleted || seen.has(id)) continue;
    counts.deleted++;
    await store.markDeleted(connectionId, model, id, now, ++cursor);
  }
  return counts;
}

/**
 * Marks DELETED, inside the caller's transaction (the run's lease held), the connection's live
 * records of the model whose account is not among `accountIds` (no longer selected, or gone at
 * Microsoft), each with the next cursor; returns how many.
 */
export async function retireRecords(
  store: SyncRecordStore,
  input: { connectionId: string; model: string; accountIds: readonly string[]; now: number },
): Promise<number> {
  const { connectionId, model, now } = input;
  const ids = await store.liveIdsOutside(connectionId, model, input.accountIds);
  if (ids.length === 0) return 0;
  // A few batched updates, not one per record: a deselected account may hold tens of thousands.
  return store.markDeletedMany(connectionId, model, ids, now, (await store.maxCursor(connectionId, model)) + 1);
}
