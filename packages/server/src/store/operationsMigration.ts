import { type ColumnDefinitionBuilder, type Kysely, type Migration, sql } from "kysely";

/**
 * 0014_operations: the operation log (issue 26), in Nango's vocabulary. An operation per connect
 * attempt, refresh, proxy call, action, sync, webhook delivery, admin consent and operator action;
 * its messages (log lines and HTTP steps) beside it. Kept LOG_RETENTION_DAYS (the prune job).
 * 0024_running_operations: an index of the operations still running, for the sweep that ends the
 * abandoned ones.
 */
export const operationsMigration = (dialect: "sqlite" | "postgres"): Record<string, Migration> => ({
  "0014_operations": {
    async up(db: Kysely<unknown>) {
      const identity = (c: ColumnDefinitionBuilder) => (dialect === "postgres" ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey());
      await db.schema
        .createTable("operations")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("connection_id", "text")
        .addColumn("end_user_id", "text")
        .addColumn("integration", "text")
        .addColumn("session_id", "text")
        .addColumn("error_code", "text")
        .addColumn("error_message", "text")
        .addColumn("started_at", "bigint", (c) => c.notNull())
        .addColumn("ended_at", "bigint")
        .addColumn("duration_ms", "bigint")
        .addColumn("meta", "text")
        .execute();
      // The API lists newest first (started_at, id) with optional filters; each filter has an index
      // leading with it so a connection's or an end user's history is a range scan.
      await db.schema.createIndex("operations_started").on("operations").columns(["started_at", "id"]).execute();
      await db.schema.createIndex("operations_connection").on("operations").columns(["connection_id", "started_at"]).execute();
      await db.schema.createIndex("operations_end_user").on("operations").columns(["end_user_id", "started_at"]).execute();
      await db.schema.createIndex("operations_type").on("operations").columns(["type", "action", "started_at"]).execute();
      await db.schema.createIndex("operations_error").on("operations").columns(["error_code", "started_at"]).execute();
      await db.schema
        .createTable("operation_messages")
        .addColumn("seq", "integer", identity)
        .addColumn("id", "text", (c) => c.notNull().unique())
        .addColumn("operation_id", "text", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("level", "text", (c) => c.notNull())
        .addColumn("message", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        // JSON of the HTTP step (request, response, duration, retry) or the sync's persisted results.
        .addColumn("details", "text")
        .execute();
      await db.schema.createIndex("operation_messages_operation").on("operation_messages").columns(["operation_id", "created_at"]).execute();
      // A connect attempt spans several requests, maybe on several instances: its operation id
      // travels with the connect session.
      await db.schema.alterTable("connect_sessions").addColumn("operation_id", "text").execute();
    },
  },
  "0024_running_operations": {
    async up(db: Kysely<unknown>) {
      // The prune job's sweep looks for operations left running (an abandoned sign-in, an instance
      // stopped mid-way): a partial index keeps that a short scan whatever the log's size.
      await db.schema
        .createIndex("operations_running")
        .on("operations")
        .columns(["started_at", "id"])
        .where(sql.ref("state"), "=", sql.lit("running"))
        .execute();
    },
  },
});
