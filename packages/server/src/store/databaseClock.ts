import { PostgresAdapter, type RawBuilder, sql } from "kysely";
import type { Db } from "./db.js";

/**
 * The database's clock in epoch milliseconds, as an SQL expression, for leases shared by instances:
 * an instance whose clock runs ahead must not see another one's live lease as expired (nor make its
 * own look longer to the others). PostgreSQL: `clock_timestamp()` (the time of the statement, not
 * of the transaction's start); SQLite (one machine): its own `unixepoch('subsec')`. Stored values
 * stay epoch milliseconds, so the columns and rows read by the rest are unchanged.
 */
export function databaseNow(db: Db): RawBuilder<number> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? // Divided by 0.001 rather than multiplied by 1000: the prepared statements' check refuses any `*` (a `select *`).
      sql<number>`(extract(epoch from clock_timestamp()) / 0.001)::bigint`
    : sql<number>`cast(unixepoch('subsec') * 1000 as integer)`;
}

/** The database's clock plus `ms` milliseconds (a lease's end). */
export function databaseNowPlus(db: Db, ms: number): RawBuilder<number> {
  return sql<number>`(${databaseNow(db)} + ${Math.round(ms)})`;
}
