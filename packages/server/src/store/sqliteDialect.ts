import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type QueryResult,
  type SqliteDialectConfig,
} from "kysely";
import { retryWhileBusy } from "./databaseBusy.js";

/** How long a query may keep retrying while another connection holds the lock; changeable at runtime. */
export interface BusyRetryBudget {
  ms: number;
}

/** Each query retries SQLITE_BUSY asynchronously until the deadline set when it asked for the connection. */
class RetryingConnection implements DatabaseConnection {
  constructor(
    private readonly inner: DatabaseConnection,
    private readonly deadline: number,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return retryWhileBusy(() => this.inner.executeQuery<R>(query), this.deadline);
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class RetryingSqliteDriver extends SqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly budget: BusyRetryBudget,
  ) {
    super(config);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    // The budget counts from the request, so queries queued behind a busy one do not wait twice.
    const deadline = Date.now() + this.budget.ms;
    return new RetryingConnection(await super.acquireConnection(), deadline);
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
    private readonly sqliteConfig: SqliteDialectConfig,
    private readonly budget: BusyRetryBudget,
  ) {
    super(sqliteConfig);
  }

  override createDriver(): Driver {
    return new RetryingSqliteDriver(this.sqliteConfig, this.budget);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
