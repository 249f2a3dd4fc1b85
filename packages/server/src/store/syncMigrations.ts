import type { Kysely, Migration } from "kysely";

/**
 * 0016_sync_schedules and 0017_sync_records: the syncs' schedules and their records (issue 29).
 */
export const syncMigrations = (): Record<string, Migration> => ({
  "0016_sync_schedules": {
    async up(db: Kysely<unknown>) {
      // One row per connection and sync (issue 29): when it is due, the lease of the instance
      // running it (one run per connection and sync across instances), its per-connection
      // frequency and pause, and the state a run resumes from after a hold (117) or a crash.
      await db.schema
        .createTable("sync_schedules")
        .addColumn("connection_id", "text", (c) => c.notNull().references("connections.connection_id").onDelete("cascade"))
        .addColumn("sync_name", "text", (c) => c.notNull())
        .addColumn("frequency_seconds", "integer")
        .addColumn("paused", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("due_at", "bigint", (c) => c.notNull())
        .addColumn("lease_until", "bigint")
        .addColumn("lease_holder", "text")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("initial_done", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("reset_requested", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("run_started_at", "bigint")
        .addColumn("run_state", "text")
        .addColumn("last_finished_at", "bigint")
        .addColumn("last_result", "text")
        .addColumn("last_error", "text")
        .addColumn("covered_until", "text")
        .addPrimaryKeyConstraint("sync_schedules_pk", ["connection_id", "sync_name"])
        .execute();
      await db.schema.createIndex("sync_schedules_due").on("sync_schedules").columns(["due_at"]).execute();
    },
  },
  "0017_sync_records": {
    async up(db: Kysely<unknown>) {
      // The syncs' records (Campaign, CampaignPerformanceDaily), Nango's records API over them:
      // `cursor` increases per connection and model with every change; `data_hash` tells an
      // unchanged row from an update; deleted records are kept, marked. Deleting the connection
      // deletes them (cascade). `record_date` is a performance row's day, for retention.
      await db.schema
        .createTable("sync_records")
        .addColumn("connection_id", "text", (c) => c.notNull().references("connections.connection_id").onDelete("cascade"))
        .addColumn("model", "text", (c) => c.notNull())
        .addColumn("record_id", "text", (c) => c.notNull())
        .addColumn("account_id", "text", (c) => c.notNull())
        .addColumn("record_date", "text")
        .addColumn("data", "text", (c) => c.notNull())
        .addColumn("data_hash", "text", (c) => c.notNull())
        .addColumn("first_seen_at", "bigint", (c) => c.notNull())
        .addColumn("last_modified_at", "bigint", (c) => c.notNull())
        .addColumn("last_action", "text", (c) => c.notNull())
        .addColumn("deleted_at", "bigint")
        .addColumn("cursor", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("sync_records_pk", ["connection_id", "model", "record_id"])
        .execute();
      // The records API pages in cursor order (modified_after and filter narrow that walk).
      await db.schema.createIndex("sync_records_cursor").on("sync_records").columns(["connection_id", "model", "cursor"]).execute();
      // A campaigns run compares per account; retention drops old days per model.
      await db.schema.createIndex("sync_records_account").on("sync_records").columns(["connection_id", "model", "account_id"]).execute();
      await db.schema.createIndex("sync_records_date").on("sync_records").columns(["model", "record_date"]).execute();
    },
  },
});
