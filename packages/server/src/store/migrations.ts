import { type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import { connectFlowMigrations } from "./connectFlowMigrations.js";
import { connectionChangesMigration } from "./connectionChangesMigration.js";
import { connectionLeftoversMigration } from "./connectionLeftoversMigration.js";
import { consoleMigration } from "./consoleMigration.js";
import { operationsMigration } from "./operationsMigration.js";
import { syncMigrations } from "./syncMigrations.js";

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
  "0002_token_lifecycle": {
    async up(db: Kysely<unknown>) {
      const identity = (c: ColumnDefinitionBuilder) => (dialect === "postgres" ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey());
      // One column per statement: SQLite's ALTER TABLE adds one at a time.
      await db.schema.alterTable("connections").addColumn("last_refreshed_at", "bigint").execute();
      await db.schema
        .alterTable("connections")
        .addColumn("refresh_failures", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable("connections")
        .addColumn("failure_reported", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable("webhook_outbox")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("locked_until", "bigint")
        .addColumn("delivered_at", "bigint")
        .addColumn("gave_up_at", "bigint")
        .addColumn("last_error", "text")
        .execute();
      await db.schema.createIndex("webhook_outbox_due").on("webhook_outbox").columns(["delivered_at", "gave_up_at", "next_attempt_at"]).execute();
      await db.schema
        .createTable("webhook_attempts")
        .addColumn("id", "integer", identity)
        .addColumn("outbox_id", "text", (c) => c.notNull().references("webhook_outbox.id").onDelete("cascade"))
        .addColumn("attempted_at", "bigint", (c) => c.notNull())
        .addColumn("status_code", "integer")
        .addColumn("error", "text")
        .addColumn("duration_ms", "integer", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("webhook_attempts_outbox").on("webhook_attempts").column("outbox_id").execute();
      await db.schema
        .createTable("alerts_sent")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("sent_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("integration_events")
        .addColumn("id", "integer", identity)
        .addColumn("at", "bigint", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("code", "text")
        .addColumn("connection_id", "text")
        .execute();
      await db.schema.createIndex("integration_events_at").on("integration_events").column("at").execute();
    },
  },
  "0003_entra_setup": {
    async up(db: Kysely<unknown>) {
      // Who must act and Microsoft's own number, for the integration status's errors by code.
      await db.schema.alterTable("integration_events").addColumn("actor", "text").execute();
      await db.schema.alterTable("integration_events").addColumn("aadsts", "bigint").execute();
      await db.schema
        .createTable("admin_consent_requests")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("session_id", "text", (c) => c.notNull())
        .addColumn("end_user_id", "text", (c) => c.notNull())
        .addColumn("tenant", "text", (c) => c.notNull())
        .addColumn("scope", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("state_hash", "text", (c) => c.unique())
        .addColumn("binding_hash", "text")
        .addColumn("state_expires_at", "bigint")
        .addColumn("completed_at", "bigint")
        .addColumn("granted_tenant_id", "text")
        .addColumn("error", "text")
        .execute();
      await db.schema
        .createTable("admin_consents")
        .addColumn("tenant_id", "text", (c) => c.primaryKey())
        .addColumn("granted_at", "bigint", (c) => c.notNull())
        .addColumn("request_id", "text", (c) => c.notNull())
        .addColumn("scope", "text", (c) => c.notNull())
        .execute();
    },
  },
  "0004_connection_version": {
    async up(db: Kysely<unknown>) {
      // Bumped by every credential write (connect, reconnect, refresh): a refresh writes only if the
      // row is still the version it read, so a reconnect in the meantime wins.
      await db.schema
        .alterTable("connections")
        .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
  "0005_connect_proof_and_consent_verification": {
    async up(db: Kysely<unknown>) {
      // The popup start page's one-time proof (issue 12, P1).
      await db.schema.alterTable("connect_sessions").addColumn("start_proof_hash", "text").execute();
      await db.schema.alterTable("connect_sessions").addColumn("start_binding_hash", "text").execute();
      await db.schema.alterTable("connect_sessions").addColumn("start_origin", "text").execute();
      await db.schema.alterTable("connect_sessions").addColumn("start_flow", "text").execute();
      await db.schema.alterTable("connect_sessions").addColumn("start_expires_at", "bigint").execute();
      await db.schema.createIndex("connect_sessions_start_proof").on("connect_sessions").column("start_proof_hash").unique().execute();
      // Browser-reported admin approvals stay unverified until a sign-in from the tenant works (F2).
      await db.schema.alterTable("admin_consents").addColumn("verified_at", "bigint").execute();
    },
  },
  "0006_refresh_leases": {
    async up(db: Kysely<unknown>) {
      // Single-flight token refresh across instances (see RefreshLeaseStore).
      await db.schema
        .createTable("refresh_leases")
        .addColumn("connection_id", "text", (c) => c.primaryKey())
        .addColumn("holder", "text", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .execute();
    },
  },
  "0007_ad_accounts": {
    async up(db: Kysely<unknown>) {
      // The user's Microsoft Advertising accounts per connection (issue 14): discovery and sync
      // write them, the picker and the records API read them. A vanished account is kept, marked
      // deleted. `cursor` is a per-table increasing sequence for the records API's paging.
      await db.schema
        .createTable("ad_accounts")
        .addColumn("connection_id", "text", (c) => c.notNull())
        .addColumn("account_id", "text", (c) => c.notNull())
        .addColumn("customer_id", "text", (c) => c.notNull())
        .addColumn("data", "text", (c) => c.notNull())
        .addColumn("first_seen_at", "bigint", (c) => c.notNull())
        .addColumn("last_modified_at", "bigint", (c) => c.notNull())
        .addColumn("last_action", "text", (c) => c.notNull())
        .addColumn("deleted_at", "bigint")
        .addColumn("cursor", "bigint", (c) => c.notNull())
        .addColumn("position", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("ad_accounts_pk", ["connection_id", "account_id"])
        .execute();
      await db.schema.createIndex("ad_accounts_cursor").on("ad_accounts").columns(["connection_id", "cursor"]).execute();
      await db.schema.alterTable("connections").addColumn("ms_user_id", "text").execute();
      await db.schema.alterTable("connections").addColumn("selected_account_ids", "text").execute();
      await db.schema.alterTable("connections").addColumn("accounts_synced_at", "bigint").execute();
      await db.schema.alterTable("connections").addColumn("accounts_error", "text").execute();
      await db.schema.alterTable("connections").addColumn("accounts_sync_due_at", "bigint").execute();
      await db.schema.alterTable("connect_sessions").addColumn("account_selection", "text").execute();
      await db.schema.alterTable("connect_sessions").addColumn("purpose", "text").execute();
    },
  },
  "0008_refresh_schedule": {
    async up(db: Kysely<unknown>) {
      // Refresh cost that grows with use (issue 13): each idle connection's keep-alive refresh is
      // due at its own time (spread when written), found through an index; background token
      // requests are counted per time window across instances; Entra's throttling pauses them.
      await db.schema.alterTable("connections").addColumn("keepalive_due_at", "bigint").execute();
      await db.schema.createIndex("connections_keepalive_due").on("connections").column("keepalive_due_at").execute();
      // The job's "read recently" set is small; most connections' access tokens are expired.
      await db.schema.createIndex("connections_last_fetched").on("connections").column("last_fetched_at").execute();
      await db.schema
        .createTable("token_request_windows")
        .addColumn("window_start", "bigint", (c) => c.primaryKey())
        .addColumn("count", "integer", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("token_throttle")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("until", "bigint", (c) => c.notNull())
        .execute();
    },
  },
  "0010_account_picker": {
    async up(db: Kysely<unknown>) {
      // The popup's account picker step (issue 14), one per session: its one-time token and the
      // browser binding (both hashed), for which connection, until when, and the creation webhook
      // held back until the choice (or the deadline).
      for (const [column, type] of [
        ["picker_token_hash", "text"],
        ["picker_binding_hash", "text"],
        ["picker_connection_id", "text"],
        ["picker_origin", "text"],
        ["picker_expires_at", "bigint"],
        ["picker_done_at", "bigint"],
        ["picker_webhook_id", "text"],
      ] as const) {
        await db.schema.alterTable("connect_sessions").addColumn(column, type).execute();
      }
      await db.schema.createIndex("connect_sessions_picker_token").on("connect_sessions").column("picker_token_hash").execute();
    },
  },
  "0011_proxy_holds": {
    async up(db: Kysely<unknown>) {
      // The proxy's pause per Microsoft Advertising customer after 117 CallRateExceeded (issue 15):
      // until when every instance answers 429 for that customer without calling Microsoft.
      await db.schema
        .createTable("proxy_holds")
        .addColumn("customer_key", "text", (c) => c.primaryKey())
        .addColumn("until", "bigint", (c) => c.notNull())
        .execute();
    },
  },
  "0012_proxy_hold_reason": {
    async up(db: Kysely<unknown>) {
      // Why a customer is held (117, or a 429 without it), for the integration status; null on older rows.
      await db.schema.alterTable("proxy_holds").addColumn("reason", "text").execute();
    },
  },
  "0013_rate_limits_and_key_uses": {
    async up(db: Kysely<unknown>) {
      // Rate-limit counters shared by every instance on PostgreSQL (issue 22): hits per limiter and
      // client in the current window, and when that window ends. SQLite counts in process memory.
      await db.schema
        .createTable("rate_limit_hits")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("hits", "integer", (c) => c.notNull())
        .addColumn("reset_at", "bigint", (c) => c.notNull())
        .execute();
      // Requests per API secret key (by fingerprint, never the key), added by each instance every
      // few seconds, for integration status during a key rotation.
      await db.schema
        .createTable("secret_key_uses")
        .addColumn("fingerprint", "text", (c) => c.primaryKey())
        .addColumn("requests", "bigint", (c) => c.notNull())
        .addColumn("last_used_at", "bigint", (c) => c.notNull())
        .execute();
    },
  },
  // Added later, each in its own module.
  ...syncMigrations(),
  ...operationsMigration(dialect),
  ...consoleMigration(dialect),
  ...connectFlowMigrations(),
  ...connectionChangesMigration(dialect),
  ...connectionLeftoversMigration(),
});

/** Every migration's name, in the order they apply. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations("sqlite")).sort();

/**
 * Brings the schema up to date; throws with the failing migration's error. Safe when several
 * processes start at once: the dialect's adapter makes the Migrator run every pending migration in
 * one transaction under a lock (SQLite: BEGIN IMMEDIATE, see sqliteDialect.ts; PostgreSQL: the
 * adapter's `acquireMigrationLock`, an advisory lock), so the later processes find the work done.
 */
export async function migrateToLatest(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ""} failed`, { cause: error });
  }
}

/** Names of the migrations this code knows that the database has not run yet (empty when current). */
export async function pendingMigrations(db: Kysely<unknown>): Promise<string[]> {
  // Only the names matter here, and they are the same for both dialects.
  const provider: MigrationProvider = { getMigrations: async () => migrations("sqlite") };
  const all = await new Migrator({ db, provider }).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
