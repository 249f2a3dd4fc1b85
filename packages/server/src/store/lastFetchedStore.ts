import { sql } from "kysely";
import type { Db } from "./db.js";

/**
 * `connections.last_fetched_at`, written in batches (on SQLite through a bookkeeping connection of
 * its own, see openBookkeepingDatabase).
 */
export class LastFetchedStore {
  constructor(private readonly db: Db) {}

  /**
   * Sets each connection's `last_fetched_at` unless a later time is stored, in one statement. Always
   * the same number of slots (the caller repeats an entry to fill them), so the SQL text, and with it
   * the cached statement, is always the same.
   */
  async write(slots: readonly (readonly [string, number])[]): Promise<void> {
    const at = sql<number>`case connection_id ${sql.join(
      slots.map(([id, t]) => sql`when ${id} then cast(${t} as bigint)`),
      sql` `,
    )} end`;
    await sql`update connections set last_fetched_at = ${at}
      where connection_id in (${sql.join(slots.map(([id]) => id))}) and (last_fetched_at is null or last_fetched_at < ${at})`.execute(this.db);
  }
}
