import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

/** The open database (a pool on PostgreSQL, one connection on SQLite); only the composition and entry points hold it. */
export type DatabaseHandle = Kysely<Database>;

/** What a repository runs its queries on: the database, or the transaction `Stores.transaction` opened. */
export type Db = Kysely<Database> | Transaction<Database>;

/** Runs `fn` in a transaction of its own, or directly inside the caller's transaction when `db` already is one. */
export function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
