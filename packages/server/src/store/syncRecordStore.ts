import { type Insertable, type Selectable, sql } from "kysely";
import type { Db } from "./db.js";
import type { SyncRecordTable } from "./schema.js";

export type SyncRecordRow = Selectable<SyncRecordTable>;
export type NewSyncRecordRow = Insertable<SyncRecordTable>;
export type SyncRecordAction = SyncRecordTable["last_action"];

/** Rows per multi-row insert and ids per IN list: well under SQLite's 32,766 parameters. */
const BATCH = 500;

/** The syncs' records (table `sync_records`), deleted ones kept with `deleted_at`. */
export class SyncRecordStore {
  constructor(private readonly db: Db) {}

  /** The connection's highest cursor for the model (0 with none); an index lookup. */
  async maxCursor(connectionId: string, model: string): Promise<number> {
    const row = await this.db
      .selectFrom("sync_records")
      .select("cursor")
      .where("connection_id", "=", connectionId)
      .where("model", "=", model)
      .orderBy("cursor", "desc")
      .limit(1)
      .executeTakeFirst();
    return Number(row?.cursor ?? 0);
  }

  /** Hash and deletion of the stored records among `ids` (what a batch compares against). */
  async hashes(connectionId: string, model: string, ids: readonly string[]): Promise<Map<string, { hash: string; deleted: boolean }>> {
    const out = new Map<string, { hash: string; deleted: boolean }>();
    for (let i = 0; i < ids.length; i += BATCH) {
      const rows = await this.db
        .selectFrom("sync_records")
        .select(["record_id", "data_hash", "deleted_at"])
        .where("connection_id", "=", connectionId)
        .where("model", "=", model)
        .where("record_id", "in", ids.slice(i, i + BATCH))
        .execute();
      for (const r of rows) out.set(r.record_id, { hash: r.data_hash, deleted: r.deleted_at !== null });
    }
    return out;
  }

  /** Ids of the account's records not marked deleted. */
  async liveIds(connectionId: string, model: string, accountId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("sync_records")
      .select("record_id")
      .where("connection_id", "=", connectionId)
      .where("model", "=", model)
      .where("account_id", "=", accountId)
      .where("deleted_at", "is", null)
      .execute();
    return rows.map((r) => r.record_id);
  }

  /** Ids of the connection's live records of the model that belong to none of `accountIds` (accounts no longer synced), in cursor order. */
  async liveIdsOutside(connectionId: string, model: string, accountIds: readonly string[]): Promise<string[]> {
    const rows = await this.db
      .selectFrom("sync_records")
      .select("record_id")
      .where("connection_id", "=", connectionId)
      .where("model", "=", model)
      .where("deleted_at", "is", null)
      .$if(accountIds.length > 0, (q) => q.where("account_id", "not in", [...accountIds]))
      .orderBy("cursor")
      .execute();
    return rows.map((r) => r.record_id);
  }

  /**
   * Marks the records `ids` DELETED, each with its own cursor: `firstCursor`, `+ 1`, … in the order
   * given. One UPDATE per BATCH ids (a CASE gives each its cursor), not one per record: it runs
   * while a sync run's last transaction holds the connection's row lock. A join on a ranked subquery
   * would be one statement, but PostgreSQL without fresh statistics plans it as a nested loop (the
   * rank recomputed per row: seconds at a few thousand records); these look rows up by key.
   */
  async markDeletedMany(connectionId: string, model: string, ids: readonly string[], at: number, firstCursor: number): Promise<number> {
    let updated = 0;
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      // Literal cursors (numbers computed here): PostgreSQL would type parameters in a CASE as text.
      const cursors = sql.join(
        batch.map((id, j) => sql`when ${id} then ${sql.lit(firstCursor + i + j)}`),
        sql` `,
      );
      const result = await this.db
        .updateTable("sync_records")
        .set({ last_modified_at: at, last_action: "DELETED", deleted_at: at, cursor: sql<number>`case record_id ${cursors} end` })
        .where("connection_id", "=", connectionId)
        .where("model", "=", model)
        .where("record_id", "in", batch)
        .executeTakeFirst();
      updated += Number(result.numUpdatedRows);
    }
    return updated;
  }

  async insertMany(rows: readonly NewSyncRecordRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH)
      await this.db
        .insertInto("sync_records")
        .values(rows.slice(i, i + BATCH))
        .execute();
  }

  /** A changed (or revived) record: new data, UPDATED, the next cursor. */
  async update(connectionId: string, model: string, recordId: string, changes: { data: string; data_hash: string; at: number; cursor: number }): Promise<void> {
    await this.db
      .updateTable("sync_records")
      .set({ data: changes.data, data_hash: changes.data_hash, last_modified_at: changes.at, last_action: "UPDATED", deleted_at: null, cursor: changes.cursor })
      .where("connection_id", "=", connectionId)
      .where("model", "=", model)
      .where("record_id", "=", recordId)
      .execute();
  }

  async markDeleted(connectionId: string, model: string, recordId: string, at: number, cursor: number): Promise<void> {
    await this.db
      .updateTable("sync_records")
      .set({ last_modified_at: at, last_action: "DELETED", deleted_at: at, cursor })
      .where("connection_id", "=", connectionId)
      .where("model", "=", model)
      .where("record_id", "=", recordId)
      .execute();
  }

  /**
   * The records API's page: the model's records of the connection after `after` in cursor order,
   * optionally only those changed since `modifiedAfter`, with one of `actions`, or among `ids`.
   */
  async records(
    connectionId: string,
    model: string,
    filter: { after: number; limit: number; modifiedAfter?: number | undefined; actions?: SyncRecordAction[] | null | undefined; ids?: string[] | undefined },
  ): Promise<SyncRecordRow[]> {
    return this.db
      .selectFrom("sync_records")
      .selectAll()
      .where("connection_id", "=", connectionId)
      .where("model", "=", model)
      .where("cursor", ">", filter.after)
      .$if(filter.modifiedAfter !== undefined, (q) => q.where("last_modified_at", ">=", filter.modifiedAfter!))
      .$if(filter.actions != null, (q) => q.where("last_action", "in", filter.actions!))
      .$if(filter.ids !== undefined && filter.ids.length > 0, (q) => q.where("record_id", "in", filter.ids!))
      .orderBy("cursor")
      .limit(filter.limit)
      .execute();
  }

  /** Live (not deleted) records per model of one connection, for the status API. */
  async counts(connectionId: string): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom("sync_records")
      .select((eb) => ["model", eb.fn.countAll<number>().as("n")])
      .where("connection_id", "=", connectionId)
      .where("deleted_at", "is", null)
      .groupBy("model")
      .execute();
    return Object.fromEntries(rows.map((r) => [r.model, Number(r.n)]));
  }

  /** Retention: drops the model's rows of days before `beforeDate` (YYYY-MM-DD) across connections (index on model, record_date); returns how many. */
  async deleteOlderThan(model: string, beforeDate: string): Promise<number> {
    const result = await this.db.deleteFrom("sync_records").where("model", "=", model).where("record_date", "<", beforeDate).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
