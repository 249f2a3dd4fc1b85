import { type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import { CONNECTION_CHANGES_CHANNEL } from "./connectionChanges.js";

import { operationsMigration } from "./operationsMigration.js";

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
  ...operationsMigration(dialect),
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
  "0020_trace_context": {
    async up(db: Kysely<unknown>) {
      // OpenTelemetry (issue 26): the W3C traceparent of a connect flow, kept with its session and
      // attempts so the flow's requests join one trace on any instance, and of a queued webhook so
      // its delivery joins the trace that queued it. Ids only; null when tracing is off.
      await db.schema.alterTable("connect_sessions").addColumn("trace_context", "text").execute();
      await db.schema.alterTable("oauth_attempts").addColumn("trace_context", "text").execute();
      await db.schema.alterTable("webhook_outbox").addColumn("trace_context", "text").execute();
    },
  },
  "0022_connection_changes": {
    async up(db: Kysely<unknown>) {
      // PostgreSQL: every write of a connection row (from any instance, job or hand-written SQL)
      // tells the listening instances which connection changed, at commit (an empty payload: the table
      // was truncated; ConnectionChangeFeed),
      // so they may serve token reads from memory. SQLite reads its rows in-process and needs none.
      if (dialect !== "postgres") return;
      await sql
        .raw(
          `CREATE FUNCTION adsc_connection_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN PERFORM pg_notify('${CONNECTION_CHANGES_CHANNEL}', ''); RETURN NULL; END IF;
  IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('${CONNECTION_CHANGES_CHANNEL}', OLD.connection_id); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('${CONNECTION_CHANGES_CHANNEL}', NEW.connection_id); END IF;
  RETURN NULL;
END $$`,
        )
        .execute(db);
      await sql
        .raw("CREATE TRIGGER connections_changed AFTER INSERT OR UPDATE OR DELETE ON connections FOR EACH ROW EXECUTE FUNCTION adsc_connection_changed()")
        .execute(db);
      await sql
        .raw("CREATE TRIGGER connections_truncated AFTER TRUNCATE ON connections FOR EACH STATEMENT EXECUTE FUNCTION adsc_connection_changed()")
        .execute(db);
    },
  },
  "0019_session_locale": {
    async up(db: Kysely<unknown>) {
      // The popup's language as the product asked for it (a BCP 47 tag), so every page of the
      // session, on any instance, speaks it; null: the browser's Accept-Language decides.
      await db.schema.alterTable("connect_sessions").addColumn("locale", "text").execute();
    },
  },
  "0018_connect_redirects": {
    async up(db: Kysely<unknown>) {
      // Redirect mode (issue 28): a sign-in in the page itself instead of a popup, tied to the
      // browser by a cookie, and its result kept for the one-time token the return URL carries.
      await db.schema
        .createTable("connect_redirects")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("binding_hash", "text", (c) => c.notNull().unique())
        .addColumn("return_to", "text", (c) => c.notNull())
        .addColumn("origin", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("result", "text")
        .addColumn("result_token_hash", "text", (c) => c.unique())
        .addColumn("redeemed_at", "bigint")
        .execute();
      await db.schema.createIndex("connect_redirects_expires_at").on("connect_redirects").column("expires_at").execute();
    },
  },
});

/**
 * Brings the schema up to date; throws with the failing migration's error. Safe when several
 * processes start at once: the dialect's adapter makes the Migrator run every pending migration in
 * one transaction under a lock (SQLite: BEGIN IMMEDIATE, see sqliteDialect.ts; PostgreSQL: the
 * adapter's `acquireMigrationLock`, an advisory lock), so the later processes find the work done.
 */
/** Every migration's name, in the order they apply. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations("sqlite")).sort();

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
