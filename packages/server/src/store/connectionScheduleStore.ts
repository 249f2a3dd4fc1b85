import { PostgresAdapter, sql } from "kysely";
import type { ConnectionRow } from "./connectionStore.js";
import { databaseNow, databaseNowPlus } from "./databaseClock.js";
import type { Db } from "./db.js";

/** Statuses whose grant may still work: background refreshes keep trying them (an expired one needs its user). */
const LIVE = ["connected", "error"] as const;

/**
 * The `connections` columns the background work keeps: which connections are due for a refresh
 * ahead of expiry, a keep-alive refresh or an account sync, and the account sync's own columns.
 */
export class ConnectionScheduleStore {
  /** PostgreSQL locks the row an account sync compares against; SQLite has one writer at a time. */
  private readonly lockRows: boolean;

  constructor(private readonly db: Db) {
    this.lockRows = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  /**
   * Live connections (connected, or in error after a refresh failure nobody could classify, so a later
   * pass tries again) whose token expires before `expiringBefore` and that were read since `readSince`, soonest first.
   */
  async expiringAndRead(expiringBefore: number, readSince: number, limit: number): Promise<ConnectionRow[]> {
    return this.db
      .selectFrom("connections")
      .selectAll()
      .where("status", "in", LIVE)
      .where("access_token_expires_at", "<", expiringBefore)
      .where("last_fetched_at", ">=", readSince)
      .orderBy("access_token_expires_at")
      .limit(limit)
      .execute();
  }

  /**
   * Live connections (as above) due for a keep-alive refresh: stored keep-alive times up to `t`, then rows
   * without one last refreshed (or created) before `idleSince`. Two index lookups (an OR would scan).
   */
  async keepaliveDue(t: number, idleSince: number, limit: number): Promise<ConnectionRow[]> {
    const due = await this.db
      .selectFrom("connections")
      .selectAll()
      .where("keepalive_due_at", "<=", t)
      .where("status", "in", LIVE)
      .orderBy("keepalive_due_at")
      .limit(limit)
      .execute();
    const unscheduled = await this.db
      .selectFrom("connections")
      .selectAll()
      .where("keepalive_due_at", "is", null)
      .where("status", "in", LIVE)
      .where(sql<number>`coalesce(last_refreshed_at, created_at)`, "<", idleSince)
      .limit(limit)
      .execute();
    return [...due, ...unscheduled];
  }

  /**
   * Connected connections whose account sync is due now (or never scheduled), soonest first. "Now"
   * is the database's clock, as for the claims below: an instance whose clock runs ahead must not
   * see another one's claim as lapsed.
   */
  async dueForAccountSync(limit: number): Promise<{ connection_id: string; accounts_sync_due_at: number | null }[]> {
    return this.db
      .selectFrom("connections")
      .select(["connection_id", "accounts_sync_due_at"])
      .where("status", "=", "connected")
      .where((eb) => eb.or([eb("accounts_sync_due_at", "is", null), eb("accounts_sync_due_at", "<=", databaseNow(this.db))]))
      .orderBy("accounts_sync_due_at")
      .limit(limit)
      .execute();
  }

  /**
   * Takes a due connection's sync for `claimMs` by the database's clock, only while it still holds
   * the due time read (`seen`): true for exactly one caller.
   */
  async claimDueAccountSync(connectionId: string, seen: number | null, claimMs: number): Promise<boolean> {
    const claimed = await this.db
      .updateTable("connections")
      .set({ accounts_sync_due_at: databaseNowPlus(this.db, claimMs) })
      .where("connection_id", "=", connectionId)
      .where((eb) => (seen === null ? eb("accounts_sync_due_at", "is", null) : eb("accounts_sync_due_at", "=", seen)))
      .executeTakeFirst();
    return Number(claimed.numUpdatedRows) === 1;
  }

  /** Claims the connection's account sync for `claimMs` by the database's clock, unconditionally (a connect takes it from the job). */
  async claimAccountSync(connectionId: string, claimMs: number): Promise<void> {
    await this.db
      .updateTable("connections")
      .set({ accounts_sync_due_at: databaseNowPlus(this.db, claimMs) })
      .where("connection_id", "=", connectionId)
      .execute();
  }

  /**
   * What an account sync compares against, read inside its transaction; on PostgreSQL the row is
   * locked, so runs for one connection (job, on demand, connect) are serialized.
   */
  async accountSyncState(connectionId: string): Promise<{ accounts_synced_at: number | null; selected_account_ids: string | null } | undefined> {
    return this.db
      .selectFrom("connections")
      .select(["accounts_synced_at", "selected_account_ids"])
      .where("connection_id", "=", connectionId)
      .$if(this.lockRows, (q) => q.forUpdate())
      .executeTakeFirst();
  }

  /**
   * The stored account selection (JSON, null: none) read by a sync run's last transaction, undefined
   * when the connection is gone. On PostgreSQL the row is share-locked until that transaction ends,
   * so a change of the selection waits for it and then makes the syncs due again (no change is missed).
   */
  async selectionForSync(connectionId: string): Promise<string | null | undefined> {
    const row = await this.db
      .selectFrom("connections")
      .select("selected_account_ids")
      .where("connection_id", "=", connectionId)
      .$if(this.lockRows, (q) => q.forShare())
      .executeTakeFirst();
    return row?.selected_account_ids;
  }

  /** A sync ran: its next one is due `dueInMs` from now by the database's clock (the one the job reads due times with). */
  async recordAccountsSynced(connectionId: string, sync: { msUserId: string; at: number; dueInMs: number }): Promise<void> {
    await this.db
      .updateTable("connections")
      .set({ ms_user_id: sync.msUserId, accounts_synced_at: sync.at, accounts_error: null, accounts_sync_due_at: databaseNowPlus(this.db, sync.dueInMs) })
      .where("connection_id", "=", connectionId)
      .execute();
  }

  /** The stored account-sync error (JSON) or null; undefined when the connection does not exist. */
  async accountsError(connectionId: string): Promise<string | null | undefined> {
    const row = await this.db.selectFrom("connections").select("accounts_error").where("connection_id", "=", connectionId).executeTakeFirst();
    return row?.accounts_error;
  }

  /** A sync failed: it is tried again `retryInMs` from now by the database's clock (the one `dueForAccountSync` compares with). */
  async recordAccountsError(connectionId: string, json: string, retryInMs: number): Promise<void> {
    await this.db
      .updateTable("connections")
      .set({ accounts_error: json, accounts_sync_due_at: databaseNowPlus(this.db, retryInMs) })
      .where("connection_id", "=", connectionId)
      .execute();
  }
}
