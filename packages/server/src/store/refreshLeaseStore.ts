import type { CompiledQuery } from "kysely";
import { databaseNow, databaseNowPlus } from "./databaseClock.js";
import type { Db } from "./db.js";
import { prepareOnPostgres } from "./preparedStatements.js";

/**
 * Per-connection refresh leases shared by every instance on the database: taking one is a single
 * upsert that succeeds only when no live lease exists (the same statement on SQLite and PostgreSQL).
 * Expiry is judged by the database's clock (databaseClock.ts), never an instance's: with instances
 * whose clocks disagree, one running ahead would otherwise take over a lease another still holds.
 */
export class RefreshLeaseStore {
  /** heldAmong for one connection (a status read), compiled once: parameter [connection id]. */
  private readonly heldOne: CompiledQuery<{ connection_id: string }>;

  constructor(private readonly db: Db) {
    this.heldOne = db.selectFrom("refresh_leases").select("connection_id").where("connection_id", "=", "").where("expires_at", ">", databaseNow(db)).compile();
    if (this.heldOne.parameters.length !== 1) throw new Error("the lease lookup must have exactly one parameter");
    prepareOnPostgres(this.heldOne.sql);
  }

  /** True when `holder` now holds the lease for `leaseMs` (none was held, or the last one expired). */
  async acquire(connectionId: string, holder: string, leaseMs: number): Promise<boolean> {
    const until = databaseNowPlus(this.db, leaseMs);
    const result = await this.db
      .insertInto("refresh_leases")
      .values({ connection_id: connectionId, holder, expires_at: until })
      .onConflict((oc) => oc.column("connection_id").doUpdateSet({ holder, expires_at: until }).where("refresh_leases.expires_at", "<=", databaseNow(this.db)))
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /** Extends `holder`'s lease to `leaseMs` from now (by the database's clock). */
  async renew(connectionId: string, holder: string, leaseMs: number): Promise<void> {
    await this.db
      .updateTable("refresh_leases")
      .set({ expires_at: databaseNowPlus(this.db, leaseMs) })
      .where("connection_id", "=", connectionId)
      .where("holder", "=", holder)
      .execute();
  }

  async release(connectionId: string, holder: string): Promise<void> {
    await this.db.deleteFrom("refresh_leases").where("connection_id", "=", connectionId).where("holder", "=", holder).execute();
  }

  /** Drops the connection's lease, whoever holds it (its deletion: a refresh still running can no longer write anyway). */
  async deleteForConnection(connectionId: string): Promise<void> {
    await this.db.deleteFrom("refresh_leases").where("connection_id", "=", connectionId).execute();
  }

  /** Whether some instance holds a live lease on the connection now. */
  async isHeld(connectionId: string): Promise<boolean> {
    return (await this.heldAmong([connectionId])).size === 1;
  }

  /** Which of these connections some instance is refreshing now. */
  async heldAmong(connectionIds: string[]): Promise<Set<string>> {
    if (connectionIds.length === 0) return new Set();
    if (connectionIds.length === 1) {
      const { rows } = await this.db.executeQuery<{ connection_id: string }>({ ...this.heldOne, parameters: [connectionIds[0]] });
      return new Set(rows.map((r) => r.connection_id));
    }
    const rows = await this.db
      .selectFrom("refresh_leases")
      .select("connection_id")
      .where("connection_id", "in", connectionIds)
      .where("expires_at", ">", databaseNow(this.db))
      .execute();
    return new Set(rows.map((r) => r.connection_id));
  }
}
