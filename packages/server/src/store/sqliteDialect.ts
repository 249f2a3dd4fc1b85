import type SQLite from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type QueryResult,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from "kysely";
import { retryWhileBusy } from "./databaseBusy.js";

/** How long a query may keep retrying while another connection holds the lock; changeable at runtime. */
export interface BusyRetryBudget {
  ms: number;
}

/** Most prepared statements kept per database (the app has a few dozen distinct queries). */
export const STATEMENT_CACHE_SIZE = 200;

/**
 * Prepared statements reused by SQL text (Kysely's driver prepares every query anew; parsing and
 * planning the SQL was a good part of a token read). Safe because:
 * - SQLite re-prepares a statement by itself when the schema changed since it was prepared
 *   (another process's migration, `select *` after an added column): `sqlite3_prepare_v2`
 *   statements are recompiled on SQLITE_SCHEMA, so a cached one never runs against an old schema;
 * - only finished statements are reused: `all()`/`run()` step to the end and reset the statement
 *   even when they throw (SQLITE_BUSY included), so a retry runs the same statement from the start;
 *   streamed queries (`iterate()`, open across awaits) prepare their own and are not cached;
 * - a statement that failed to prepare (a table not there yet, a busy schema read) is not cached.
 */
export class StatementCache {
  private readonly statements = new Map<string, SQLite.Statement>();

  constructor(
    private readonly db: SQLite.Database,
    private readonly maxEntries = STATEMENT_CACHE_SIZE,
    private readonly stamp?: SqliteChangeStamp,
  ) {}

  get size(): number {
    return this.statements.size;
  }

  prepare(sql: string): SQLite.Statement {
    let stmt = this.statements.get(sql);
    if (stmt !== undefined) return stmt;
    stmt = this.db.prepare(sql);
    if (this.statements.size >= this.maxEntries) this.statements.delete(this.statements.keys().next().value!);
    this.statements.set(sql, stmt);
    return stmt;
  }

  /** What Kysely's SqliteConnection does, with a cached statement. */
  execute<R>(query: CompiledQuery): QueryResult<R> {
    const stmt = this.prepare(query.sql);
    const parameters = query.parameters as unknown[];
    // Before running, so a write that throws half-done counts too (`insert … returning` is a reader).
    if (!stmt.readonly) this.stamp?.wrote();
    if (stmt.reader) return { rows: stmt.all(parameters) as R[] };
    const { changes, lastInsertRowid } = stmt.run(parameters);
    return {
      numAffectedRows: changes !== undefined && changes !== null ? BigInt(changes) : undefined,
      insertId: lastInsertRowid !== undefined && lastInsertRowid !== null ? BigInt(lastInsertRowid) : undefined,
      rows: [],
    };
  }
}

/**
 * A number that changes whenever the database may have changed since it was last taken: on every
 * write of this connection (counted as it runs) and on every commit of any other connection, this
 * process's bookkeeping one or another process's (`PRAGMA data_version`, which does not move for
 * the connection's own commits, hence the count). Taken outside any transaction it sees every
 * commit made before it was taken. Undefined when it cannot be read (closed, busy): callers must
 * then treat everything they kept as stale.
 */
export class SqliteChangeStamp {
  private generation = 0;
  private dataVersion: unknown;
  private statement: SQLite.Statement | undefined;

  constructor(private readonly db: SQLite.Database) {}

  wrote(): void {
    this.generation++;
  }

  current(): number | undefined {
    try {
      this.statement ??= this.db.prepare("pragma data_version").pluck();
      const version = this.statement.get();
      if (version !== this.dataVersion) {
        this.dataVersion = version;
        this.generation++;
      }
      return this.generation;
    } catch {
      this.generation++;
      return undefined;
    }
  }
}

const changeStamps = new WeakMap<object, SqliteChangeStamp>();

export function registerChangeStamp(db: object, stamp: SqliteChangeStamp): void {
  changeStamps.set(db, stamp);
}

/** The SQLite database's change stamp; undefined on PostgreSQL and for a transaction's handle. */
export function sqliteChangeStamp(db: object): SqliteChangeStamp | undefined {
  return changeStamps.get(db);
}

/** Each query retries SQLITE_BUSY asynchronously until the deadline set when it asked for the connection. */
class RetryingConnection implements DatabaseConnection {
  constructor(
    private readonly inner: DatabaseConnection,
    private readonly statements: StatementCache,
    private readonly deadline: number,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return retryWhileBusy(() => this.statements.execute<R>(query), this.deadline);
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/** Work to do when the database is destroyed, before its connection closes (set after opening). */
export interface SqliteCloseHooks {
  beforeClose?: () => Promise<void>;
}

class RetryingSqliteDriver extends SqliteDriver {
  private readonly statements: StatementCache;

  constructor(
    config: SqliteDialectConfig & { database: SQLite.Database },
    private readonly budget: BusyRetryBudget,
    private readonly hooks: SqliteCloseHooks,
    stamp: SqliteChangeStamp | undefined,
  ) {
    super(config);
    this.statements = new StatementCache(config.database, STATEMENT_CACHE_SIZE, stamp);
  }

  override async destroy(): Promise<void> {
    await this.hooks.beforeClose?.();
    await super.destroy();
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    // The budget counts from the request, so queries queued behind a busy one do not wait twice.
    const deadline = Date.now() + this.budget.ms;
    return new RetryingConnection(await super.acquireConnection(), this.statements, deadline);
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    // Take the write lock at BEGIN, where waiting and retrying are safe. A deferred transaction
    // that read first and then needs the lock gets SQLITE_BUSY without waiting, mid-transaction.
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

/**
 * SQLite's DDL is transactional, so Kysely's Migrator may run all pending migrations in one
 * transaction, which the driver above begins IMMEDIATE: concurrent starts on one file take turns
 * and the later ones find the work done. (PostgreSQL's adapter takes an advisory lock in
 * `acquireMigrationLock` instead; that is the seam for a PostgreSQL dialect.)
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** Kysely's SQLite dialect with asynchronous busy retries and migrations safe under concurrent starts. */
export class RetryingSqliteDialect extends SqliteDialect {
  constructor(
    private readonly sqliteConfig: SqliteDialectConfig & { database: SQLite.Database },
    private readonly budget: BusyRetryBudget,
    private readonly hooks: SqliteCloseHooks = {},
    private readonly stamp?: SqliteChangeStamp,
  ) {
    super(sqliteConfig);
  }

  override createDriver(): Driver {
    return new RetryingSqliteDriver(this.sqliteConfig, this.budget, this.hooks, this.stamp);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
