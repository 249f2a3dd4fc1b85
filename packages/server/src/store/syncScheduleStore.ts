import type { Selectable, Updateable } from "kysely";
import { databaseNow, databaseNowPlus } from "./databaseClock.js";
import type { Db } from "./db.js";
import type { SyncScheduleTable } from "./schema.js";

export type SyncScheduleRow = Selectable<SyncScheduleTable>;

/**
 * The syncs' schedules per connection (table `sync_schedules`): due times, leases, pause, frequency,
 * run state. A lease's end (`lease_until`) is written and judged by the database's clock
 * (databaseClock.ts), so instances whose clocks disagree never run one sync at once; due times stay
 * the instances' (a skew there only moves a run by that much).
 */
export class SyncScheduleStore {
  constructor(private readonly db: Db) {}

  /**
   * Gives every connection whose accounts were discovered a row for each sync it lacks, due at
   * `dueAt` (one statement per sync: no read-then-write race between instances).
   */
  async ensureForDiscoveredConnections(syncNames: readonly string[], dueAt: number): Promise<void> {
    for (const name of syncNames) {
      await this.db
        .insertInto("sync_schedules")
        .columns(["connection_id", "sync_name", "due_at", "status", "paused", "initial_done", "reset_requested"])
        .expression((eb) =>
          eb
            .selectFrom("connections as c")
            .select((e) => [
              "c.connection_id",
              e.val(name).as("sync_name"),
              e.val(dueAt).as("due_at"),
              e.val("PENDING").as("status"),
              e.val(0).as("paused"),
              e.val(0).as("initial_done"),
              e.val(0).as("reset_requested"),
            ])
            .where("c.accounts_synced_at", "is not", null)
            .where((w) =>
              w.not(
                w.exists(
                  w.selectFrom("sync_schedules as s").select("s.sync_name").whereRef("s.connection_id", "=", "c.connection_id").where("s.sync_name", "=", name),
                ),
              ),
            ),
        )
        .onConflict((oc) => oc.columns(["connection_id", "sync_name"]).doNothing())
        .execute();
    }
  }

  /** Unpaused schedules due at `t` whose lease (if any) has run out, soonest first. */
  async due(t: number, limit: number): Promise<SyncScheduleRow[]> {
    return this.db
      .selectFrom("sync_schedules")
      .selectAll()
      .where("due_at", "<=", t)
      .where("paused", "=", 0)
      .where((w) => w.or([w("lease_until", "is", null), w("lease_until", "<", databaseNow(this.db))]))
      .orderBy("due_at")
      .limit(limit)
      .execute();
  }

  /**
   * Takes the schedule for one run: only if it still is due as read and nobody holds a live lease
   * (a conditional UPDATE: of several instances, exactly one gets it), for `leaseMs`.
   */
  async claim(connectionId: string, syncName: string, seenDueAt: number, holder: string, leaseMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable("sync_schedules")
      .set({ lease_until: databaseNowPlus(this.db, leaseMs), lease_holder: holder })
      .where("connection_id", "=", connectionId)
      .where("sync_name", "=", syncName)
      .where("due_at", "=", seenDueAt)
      .where("paused", "=", 0)
      .where((w) => w.or([w("lease_until", "is", null), w("lease_until", "<", databaseNow(this.db))]))
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * Writes the run's progress, only while `holder` still holds the lease (a run that lost it stops);
   * with `renewLeaseMs`, the lease then lasts that long from now.
   */
  async updateHeld(connectionId: string, syncName: string, holder: string, changes: Updateable<SyncScheduleTable>, renewLeaseMs?: number): Promise<boolean> {
    const result = await this.db
      .updateTable("sync_schedules")
      .set(renewLeaseMs === undefined ? changes : { ...changes, lease_until: databaseNowPlus(this.db, renewLeaseMs) })
      .where("connection_id", "=", connectionId)
      .where("sync_name", "=", syncName)
      .where("lease_holder", "=", holder)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Brings the connection's syncs due at `at` (those due later; a run in progress keeps its lease). */
  async makeDue(connectionId: string, at: number): Promise<void> {
    await this.db.updateTable("sync_schedules").set({ due_at: at }).where("connection_id", "=", connectionId).where("due_at", ">", at).execute();
  }

  async get(connectionId: string, syncName: string): Promise<SyncScheduleRow | undefined> {
    return this.db.selectFrom("sync_schedules").selectAll().where("connection_id", "=", connectionId).where("sync_name", "=", syncName).executeTakeFirst();
  }

  /** The schedules of one connection (or all, up to `limit`), for the status API, each with whether a run holds a live lease. */
  async list(filter: { connectionId?: string | undefined; syncNames: readonly string[]; limit: number }): Promise<(SyncScheduleRow & { leased: boolean })[]> {
    const rows = await this.db
      .selectFrom("sync_schedules")
      .selectAll()
      .select((eb) => eb.and([eb("lease_until", "is not", null), eb("lease_until", ">", databaseNow(this.db))]).as("leased"))
      .where("sync_name", "in", filter.syncNames)
      .$if(filter.connectionId !== undefined, (q) => q.where("connection_id", "=", filter.connectionId!))
      .orderBy("connection_id")
      .orderBy("sync_name")
      .limit(filter.limit)
      .execute();
    // PostgreSQL answers a boolean, SQLite 0 or 1.
    return rows.map((r) => ({ ...r, leased: (r.leased as unknown) === true || (r.leased as unknown) === 1 }));
  }

  /** Sets fields of the listed syncs of one connection (or of every connection); returns how many rows changed. */
  async set(filter: { connectionId?: string | undefined; syncNames: readonly string[] }, changes: Updateable<SyncScheduleTable>): Promise<number> {
    const result = await this.db
      .updateTable("sync_schedules")
      .set(changes)
      .where("sync_name", "in", filter.syncNames)
      .$if(filter.connectionId !== undefined, (q) => q.where("connection_id", "=", filter.connectionId!))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
