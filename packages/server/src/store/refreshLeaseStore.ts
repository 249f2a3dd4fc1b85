import type { CompiledQuery } from "kysely";
import type { Db } from "./db.js";
import { prepareOnPostgres } from "./preparedStatements.js";

/**
 * Per-connection refresh leases shared by every instance on the database: taking one is a single
 * upsert that succeeds only when no live lease exists (the same statement on SQLite and PostgreSQL).
 */
export class RefreshLeaseStore {
  /** heldAmong for one connection (a status read), compiled once: parameters [connection id, now]. */
  private readonly heldOne: CompiledQuery<{ connection_id: string }>;

  constructor(private readonly db: Db) {
    this.heldOne = db.selectFrom("refresh_leases").select("connection_id").where("connection_id", "=", "").where("expires_at", ">", 0).compile();
    if (this.heldOne.parameters.length !== 2) throw new Error("the lease lookup must have exactly two parameters");
    prepareOnPostgres(this.heldOne.sql);
  }

  /** True when `holder` now holds the lease until `until` (none was held, or the last one expired). */
  async acquire(connectionId: string, holder: string, now: number, until: number): Promise<boolean> {
    const result = await this.db
      .insertInto("refresh_leases")
      .values({ connection_id: connectionId, holder, expires_at: until })
      .onConflict((oc) => oc.column("connection_id").doUpdateSet({ holder, expires_at: until }).where("refresh_leases.expires_at", "<=", now))
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async renew(connectionId: string, holder: string, until: number): Promise<void> {
    await this.db.updateTable("refresh_leases").set({ expires_at: until }).where("connection_id", "=", connectionId).where("holder", "=", holder).execute();
  }

  async release(connectionId: string, holder: string): Promise<void> {
    await this.db.deleteFrom("refresh_leases").where("connection_id", "=", connectionId).where("holder", "=", holder).execute();
  }

  /** Drops the connection's lease, whoever holds it (its deletion: a refresh still running can no longer write anyway). */
  async deleteForConnection(connectionId: string): Promise<void> {
    await this.db.deleteFrom("refresh_leases").where("connection_id", "=", connectionId).execute();
  }

  /** When the live lease on the connection expires, or null when nobody holds one. */
  async heldUntil(connectionId: string, now: number): Promise<number | null> {
    const row = await this.db
      .selectFrom("refresh_leases")
      .select("expires_at")
      .where("connection_id", "=", connectionId)
      .where("expires_at", ">", now)
      .executeTakeFirst();
    return row ? Number(row.expires_at) : null;
  }

  /** Which of these connections some instance is refreshing now. */
  async heldAmong(connectionIds: string[], now: number): Promise<Set<string>> {
    if (connectionIds.length === 0) return new Set();
    if (connectionIds.length === 1) {
      const { rows } = await this.db.executeQuery<{ connection_id: string }>({ ...this.heldOne, parameters: [connectionIds[0], now] });
      return new Set(rows.map((r) => r.connection_id));
    }
    const rows = await this.db
      .selectFrom("refresh_leases")
      .select("connection_id")
      .where("connection_id", "in", connectionIds)
      .where("expires_at", ">", now)
      .execute();
    return new Set(rows.map((r) => r.connection_id));
  }
}
