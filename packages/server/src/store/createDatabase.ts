import { closeSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { DEFAULT_BUSY_RETRY_MS, retryWhileBusy, SQLITE_BUSY_TIMEOUT_MS } from "./databaseBusy.js";
import { type DialectName, migrateToLatest } from "./migrations.js";
import { usePreparedStatements } from "./preparedStatements.js";
import type { Database } from "./schema.js";
import { RetryingSqliteDialect, registerChangeStamp, SqliteChangeStamp, type SqliteCloseHooks } from "./sqliteDialect.js";
import { BACKSTOP_AUTOCHECKPOINT_PAGES, type CheckpointResult, WalCheckpointer } from "./walCheckpointer.js";

/** While starting, another process may be migrating the same file; waiting for it is fine. */
const MIGRATION_BUSY_RETRY_MS = 60_000;

export interface DatabaseOptions {
  /** How long a query keeps retrying a locked database before it fails with `database_busy`. */
  busyRetryMs?: number;
}

/** Where the data lives: a PostgreSQL URL (shared by several instances) or an embedded SQLite file. */
export interface DatabaseTarget {
  /** `postgres://…` selects PostgreSQL; otherwise SQLite at `file`. */
  url?: string | null;
  file?: string;
  /** Most PostgreSQL connections this process opens. */
  poolSize?: number;
  /** How long to wait for a PostgreSQL connection before failing (so requests fail fast while it is down). */
  connectTimeoutMs?: number;
  /** Longest a PostgreSQL statement may run (server side, and as a client-side bound when the server stops answering). */
  statementTimeoutMs?: number;
  /**
   * SQLite file: checkpoint the WAL on a worker thread (WalCheckpointer) instead of in whichever
   * commit crosses SQLite's threshold, on the event loop. The server's choice; short-lived tools keep SQLite's own.
   */
  backgroundCheckpoints?: boolean;
  /** Told when a background checkpoint fails (the WAL then grows up to the backstop, where SQLite checkpoints by itself). */
  onCheckpointError?: (result: CheckpointResult) => void;
}

export const POSTGRES_URL = /^postgres(ql)?:\/\//i;

export function dialectOf(target: DatabaseTarget | string): DialectName {
  return typeof target !== "string" && target.url && POSTGRES_URL.test(target.url) ? "postgres" : "sqlite";
}

// Times are epoch milliseconds in BIGINT columns and counts are BIGINT: read them as numbers
// (they stay far below 2^53), as SQLite returns them, instead of pg's default strings.
const INT8 = 20;
/** One parser for every BIGINT column (pg asks for each column of every result). */
const int8 = (value: string) => Number(value);
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => (oid === INT8 ? int8 : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
};

/**
 * Opens the database and migrates it: PostgreSQL when `url` is a postgres URL, else the embedded
 * SQLite file (a string is a SQLite file name; its folder is created 0700 and the file 0600). The
 * stores only see `Kysely<Database>`.
 */
export async function createDatabase(target: DatabaseTarget | string, options: DatabaseOptions = {}): Promise<Kysely<Database>> {
  const t: DatabaseTarget = typeof target === "string" ? { file: target } : target;
  if (dialectOf(t) === "postgres") return openPostgres(t);
  const file = t.file ?? ":memory:";
  if (file !== ":memory:") createPrivateFile(file);
  const sqlite = new SQLite(file);
  // SQLite's own wait is synchronous (it blocks the event loop), so keep it short and retry on a timer.
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  const budget = { ms: MIGRATION_BUSY_RETRY_MS };
  await retryWhileBusy(() => sqlite.pragma("journal_mode = WAL"), Date.now() + budget.ms);
  // Every commit synced before it returns: a rotated refresh token must survive a power failure.
  // Said explicitly because this build of SQLite (better-sqlite3's) opens an existing WAL database
  // with synchronous=NORMAL, which syncs only at checkpoints and may lose the last commits.
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  const hooks: SqliteCloseHooks = {};
  const stamp = new SqliteChangeStamp(sqlite);
  const db = new Kysely<Database>({ dialect: new RetryingSqliteDialect({ database: sqlite }, budget, hooks, stamp) });
  registerChangeStamp(db, stamp);
  try {
    await migrateToLatest(db as Kysely<unknown>, "sqlite");
  } catch (err) {
    await db.destroy();
    throw err;
  }
  budget.ms = options.busyRetryMs ?? DEFAULT_BUSY_RETRY_MS;
  if (t.backgroundCheckpoints && file !== ":memory:") {
    const checkpointer = new WalCheckpointer(file, { onError: t.onCheckpointError });
    sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    hooks.beforeClose = () => checkpointer.stop();
  }
  return db;
}

/**
 * A second connection to an open SQLite file, for bookkeeping writes only (`last_fetched_at`):
 * `synchronous=NORMAL`, so its commits do not wait for an fsync on the event loop. Safe for
 * bookkeeping and nothing else: a power failure may undo its last few commits (the WAL is synced
 * at the next checkpoint or by the next commit of the app's own connection, which stays FULL and
 * whose commits are never at risk), so at worst a connection looks read a little less recently.
 * Never used for tokens or any other state. Checkpoints are left to the worker (or the backstop).
 */
export function openBookkeepingDatabase(file: string): Kysely<Database> {
  const sqlite = new SQLite(file, { fileMustExist: true });
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
  return new Kysely<Database>({ dialect: new RetryingSqliteDialect({ database: sqlite }, { ms: DEFAULT_BUSY_RETRY_MS }) });
}

/** Tokens are encrypted, but the rest (end users, accounts) is nobody else's business either. */
function createPrivateFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // SQLite creates the -wal and -shm files with the database file's mode.
  closeSync(openSync(file, "a", 0o600));
}

const pools = new WeakMap<Kysely<Database>, pg.Pool>();

/** The PostgreSQL pool's connections (the metrics' gauges); null on SQLite, which has one connection. */
export function databasePoolUsage(db: Kysely<Database>): { max: number; total: number; idle: number; waiting: number } | null {
  const pool = pools.get(db);
  return pool ? { max: pool.options.max ?? 10, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null;
}

async function openPostgres(t: DatabaseTarget): Promise<Kysely<Database>> {
  const url = t.url!;
  const statementTimeoutMs = t.statementTimeoutMs ?? 15_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: t.poolSize ?? 10,
    connectionTimeoutMillis: t.connectTimeoutMs ?? 3_000,
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 1_000,
    idleTimeoutMillis: 30_000,
    types,
  });
  // An idle connection dropped by the server (restart, failover) is an event, not a crash; the pool
  // discards it and opens a fresh one on the next query.
  pool.on("error", () => {});
  // The same for a connection checked out between two statements: the statement fails (503), the
  // process does not, and the pool drops the broken connection when it is released.
  pool.on("connect", (client) => {
    client.on("error", () => {});
    usePreparedStatements(client);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  try {
    await withMigrationLock(url, t.connectTimeoutMs ?? 3_000, () => migrateToLatest(db as Kysely<unknown>, "postgres"));
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}

// Any fixed 64-bit number works; it names "ads-connect migrations" among the database's advisory locks.
const MIGRATION_LOCK = "7301865243090183811";

/**
 * Several instances starting at once on a fresh database: the first migrates, the others wait on a
 * session advisory lock (held on its own connection, outside the pool) and then find nothing to do.
 */
async function withMigrationLock<T>(url: string, connectTimeoutMs: number, run: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      return await run();
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  } finally {
    await client.end();
  }
}
