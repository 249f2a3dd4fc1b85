import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";

export type DialectName = "sqlite" | "postgres";

// Written once for both dialects: only types and statements that SQLite and PostgreSQL share.
const migrations = (dialect: DialectName): Record<string, Migration> => ({
  "0001_connect_flow": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("connect_sessions")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("end_user", "text", (c) => c.notNull())
        .addColumn("organization", "text")
        .addColumn("allowed_integrations", "text")
        .addColumn("integrations_config_defaults", "text")
        .addColumn("tags", "text")
        .addColumn("reconnect_connection_id", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("last_attempt_at", "bigint")
        .addColumn("last_attempt_expires_at", "bigint")
        .addColumn("last_attempt_flow", "text")
        .addColumn("last_result", "text")
        .addColumn("last_result_at", "bigint")
        .addColumn("completed_at", "bigint")
        .execute();
      await db.schema
        .createTable("oauth_attempts")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("session_id", "text", (c) => c.notNull().references("connect_sessions.id").onDelete("cascade"))
        .addColumn("state_hash", "text", (c) => c.notNull().unique())
        .addColumn("binding_hash", "text", (c) => c.notNull())
        .addColumn("code_verifier_enc", "text", (c) => c.notNull())
        .addColumn("nonce", "text", (c) => c.notNull())
        .addColumn("origin", "text")
        .addColumn("tenant", "text", (c) => c.notNull())
        .addColumn("scope", "text", (c) => c.notNull())
        .addColumn("pending_connection_id", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("consumed_at", "bigint")
        .addColumn("code_hash", "text")
        .addColumn("result", "text")
        .execute();
      await db.schema.createIndex("oauth_attempts_session").on("oauth_attempts").column("session_id").execute();
      await db.schema
        .createTable("connections")
        // SQLite numbers an INTEGER PRIMARY KEY itself; PostgreSQL needs an identity column.
        .addColumn("id", "integer", (c) => (dialect === "postgres" ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey()))
        .addColumn("connection_id", "text", (c) => c.notNull().unique())
        .addColumn("provider_config_key", "text", (c) => c.notNull())
        .addColumn("end_user_id", "text", (c) => c.notNull())
        .addColumn("end_user", "text", (c) => c.notNull())
        .addColumn("tenant_id", "text", (c) => c.notNull())
        .addColumn("object_id", "text", (c) => c.notNull())
        .addColumn("username", "text", (c) => c.notNull())
        .addColumn("display_name", "text")
        .addColumn("account_type", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("errors", "text", (c) => c.notNull())
        .addColumn("credentials_enc", "text", (c) => c.notNull())
        .addColumn("access_token_expires_at", "bigint", (c) => c.notNull())
        .addColumn("scope", "text", (c) => c.notNull())
        .addColumn("connection_config", "text", (c) => c.notNull())
        .addColumn("metadata", "text")
        .addColumn("tags", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addColumn("last_fetched_at", "bigint")
        .addUniqueConstraint("connections_account_per_end_user", ["end_user_id", "tenant_id", "object_id"])
        .execute();
      await db.schema.createIndex("connections_end_user").on("connections").column("end_user_id").execute();
    },
  },
});

/** Brings the schema up to date; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ""} failed`, { cause: error });
  }
}
