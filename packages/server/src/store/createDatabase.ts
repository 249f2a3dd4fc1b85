import { closeSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely } from "kysely";
import { DEFAULT_BUSY_RETRY_MS, retryWhileBusy, SQLITE_BUSY_TIMEOUT_MS } from "./databaseBusy.js";
import { migrateToLatest } from "./migrations.js";
import type { Database } from "./schema.js";
import { RetryingSqliteDialect } from "./sqliteDialect.js";

/** While starting, another process may be migrating the same file; waiting for it is fine. */
const MIGRATION_BUSY_RETRY_MS = 60_000;

export interface DatabaseOptions {
  /** How long a query keeps retrying a locked database before it fails with `database_busy`. */
  busyRetryMs?: number;
}

/**
 * Opens the embedded SQLite database (creating its folder 0700 and the file 0600) and migrates it.
 * A PostgreSQL dialect plugs in here; the stores only see `Kysely<Database>`.
 */
export async function createDatabase(file: string, options: DatabaseOptions = {}): Promise<Kysely<Database>> {
  if (file !== ":memory:") createPrivateFile(file);
  const sqlite = new SQLite(file);
  // SQLite's own wait is synchronous (it blocks the event loop), so keep it short and retry on a timer.
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  const budget = { ms: MIGRATION_BUSY_RETRY_MS };
  await retryWhileBusy(() => sqlite.pragma("journal_mode = WAL"), Date.now() + budget.ms);
  sqlite.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new RetryingSqliteDialect({ database: sqlite }, budget) });
  try {
    await migrateToLatest(db as Kysely<unknown>, "sqlite");
  } catch (err) {
    await db.destroy();
    throw err;
  }
  budget.ms = options.busyRetryMs ?? DEFAULT_BUSY_RETRY_MS;
  return db;
}

/** Tokens are encrypted, but the rest (end users, accounts) is nobody else's business either. */
function createPrivateFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // SQLite creates the -wal and -shm files with the database file's mode.
  closeSync(openSync(file, "a", 0o600));
}
