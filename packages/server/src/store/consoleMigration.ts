import { type Kysely, type Migration, sql } from "kysely";

/**
 * 0015_operator_console: the operator console's sessions and the indexed columns its search and filters use (issue 27).
 */
export const consoleMigration = (dialect: "sqlite" | "postgres"): Record<string, Migration> => ({
  "0015_operator_console": {
    async up(db: Kysely<unknown>) {
      // The operator console's sign-ins (issue 27): only the hash of the cookie's token is stored.
      await db.schema
        .createTable("console_sessions")
        .addColumn("token_hash", "text", (c) => c.primaryKey())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .execute();
      // The console's search and filters as indexed columns, kept by the repositories from the JSON
      // they already write: the end user's email (lowercase), the connection's error code, an
      // account's number. A scan of the JSON would not answer in time on 100,000 connections.
      await db.schema.alterTable("connections").addColumn("end_user_email", "text").execute();
      await db.schema.alterTable("connections").addColumn("error_code", "text").execute();
      await db.schema.alterTable("ad_accounts").addColumn("account_number", "text").execute();
      const json = (column: string, path: string[]) =>
        dialect === "postgres"
          ? sql.raw(`(${column}::json${path.map((p, i) => `${i === path.length - 1 ? "->>" : "->"}${/^\d+$/.test(p) ? p : `'${p}'`}`).join("")})`)
          : sql.raw(`json_extract(${column}, '$${path.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("")}')`);
      await sql`update connections set end_user_email = lower(${json("end_user", ["email"])}), error_code = ${json("errors", ["0", "type"])}`.execute(db);
      await sql`update ad_accounts set account_number = ${json("data", ["number"])}`.execute(db);
      await db.schema.createIndex("connections_end_user_email").on("connections").column("end_user_email").execute();
      await db.schema.createIndex("connections_username").on("connections").column("username").execute();
      await db.schema.createIndex("connections_created").on("connections").columns(["created_at", "id"]).execute();
      await db.schema.createIndex("connections_updated").on("connections").columns(["updated_at", "id"]).execute();
      // A filter with a sort: the filtered rows come off the index already in order.
      await db.schema.createIndex("connections_status_created").on("connections").columns(["status", "created_at", "id"]).execute();
      await db.schema.createIndex("connections_status_updated").on("connections").columns(["status", "updated_at", "id"]).execute();
      await db.schema.createIndex("connections_error_code_created").on("connections").columns(["error_code", "created_at", "id"]).execute();
      await db.schema.createIndex("connections_error_code_updated").on("connections").columns(["error_code", "updated_at", "id"]).execute();
      await db.schema.createIndex("ad_accounts_account_id").on("ad_accounts").column("account_id").execute();
      await db.schema.createIndex("ad_accounts_account_number").on("ad_accounts").column("account_number").execute();
      // The overview's time series read events and deliveries by time.
      await db.schema.createIndex("webhook_outbox_created").on("webhook_outbox").column("created_at").execute();
    },
  },
});
