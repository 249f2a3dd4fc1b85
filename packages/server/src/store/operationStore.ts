import { PostgresAdapter, sql } from "kysely";
import { databaseNow } from "./databaseClock.js";
import { type Db, inTransaction } from "./db.js";
import type { OperationMessageTable, OperationTable } from "./schema.js";

export type OperationRow = OperationTable;

/** A sign-in's operation still running, with what its connect session knows (null fields: the session is gone). */
export interface RunningConnectOperation {
  id: string;
  started_at: number;
  session_id: string | null;
  /** The session's current attempt's operation. */
  current_operation_id: string | null;
  start_proof_hash: string | null;
  start_expires_at: number | null;
  last_attempt_at: number | null;
  last_attempt_expires_at: number | null;
  last_result: string | null;
  last_result_at: number | null;
  picker_expires_at: number | null;
  picker_done_at: number | null;
  picker_connection_id: string | null;
  purpose: string | null;
}

/** How the sweep ends an operation left running, and the message it adds saying why. */
export interface OperationEnd {
  state: "success" | "failed" | "timeout" | "cancelled";
  errorCode: string | null;
  errorMessage: string | null;
  level: "info" | "warn" | "error";
  message: string;
}
export type OperationMessageRow = Omit<OperationMessageTable, "seq">;

export interface OperationFilter {
  connectionId?: string | undefined;
  endUserId?: string | undefined;
  type?: string | undefined;
  action?: string | undefined;
  state?: string | undefined;
  errorCode?: string | undefined;
  /** Epoch ms, inclusive. */
  from?: number | undefined;
  /** Epoch ms, exclusive. */
  to?: number | undefined;
  /** The last row of the previous page: the page continues strictly older than it. */
  before?: { startedAt: number; id: string } | undefined;
  limit: number;
}

/** The operation log (tables `operations`, `operation_messages`): written in batches by oplog/, read by the logs API. */
export class OperationStore {
  constructor(private readonly db: Db) {}

  /**
   * Writes a batch: each operation as it is now known, merged with what is stored (another instance
   * may have written the same operation: a connect attempt's callback lands anywhere), and the new
   * messages. Fields once set are not unset, and an ended operation is not set running again.
   */
  async write(operations: OperationRow[], messages: OperationMessageRow[]): Promise<void> {
    // One commit for both (on SQLite a commit is an fsync, under the one writer lock).
    await inTransaction(this.db, async (db) => {
      if (operations.length > 0) await this.upsert(db, operations);
      if (messages.length > 0) await db.insertInto("operation_messages").values(messages).execute();
    });
  }

  private async upsert(db: Db, operations: OperationRow[]): Promise<void> {
    await db
      .insertInto("operations")
      .values(operations)
      .onConflict((oc) =>
        oc.column("id").doUpdateSet({
          state: sql`CASE WHEN operations.ended_at IS NOT NULL AND excluded.ended_at IS NULL THEN operations.state ELSE excluded.state END`,
          connection_id: sql`COALESCE(excluded.connection_id, operations.connection_id)`,
          end_user_id: sql`COALESCE(excluded.end_user_id, operations.end_user_id)`,
          integration: sql`COALESCE(excluded.integration, operations.integration)`,
          session_id: sql`COALESCE(excluded.session_id, operations.session_id)`,
          // An end states its own error (none for a success): a real end written after the sweep's
          // (an operation that was only slow) does not keep the sweep's error.
          error_code: sql`CASE WHEN excluded.ended_at IS NOT NULL THEN excluded.error_code ELSE COALESCE(excluded.error_code, operations.error_code) END`,
          error_message: sql`CASE WHEN excluded.ended_at IS NOT NULL THEN excluded.error_message ELSE COALESCE(excluded.error_message, operations.error_message) END`,
          ended_at: sql`COALESCE(excluded.ended_at, operations.ended_at)`,
          // Measured from the first start stored, whichever instance wrote it.
          duration_ms: sql`COALESCE(excluded.ended_at, operations.ended_at) - operations.started_at`,
          meta: sql`COALESCE(excluded.meta, operations.meta)`,
        }),
      )
      .execute();
  }

  /** One page, newest first (started_at, then id, descending). */
  async list(filter: OperationFilter): Promise<OperationRow[]> {
    const { before } = filter;
    return this.db
      .selectFrom("operations")
      .selectAll()
      .$if(filter.connectionId !== undefined, (q) => q.where("connection_id", "=", filter.connectionId!))
      .$if(filter.endUserId !== undefined, (q) => q.where("end_user_id", "=", filter.endUserId!))
      .$if(filter.type !== undefined, (q) => q.where("type", "=", filter.type!))
      .$if(filter.action !== undefined, (q) => q.where("action", "=", filter.action!))
      .$if(filter.state !== undefined, (q) => q.where("state", "=", filter.state!))
      .$if(filter.errorCode !== undefined, (q) => q.where("error_code", "=", filter.errorCode!))
      .$if(filter.from !== undefined, (q) => q.where("started_at", ">=", filter.from!))
      .$if(filter.to !== undefined, (q) => q.where("started_at", "<", filter.to!))
      .$if(before !== undefined, (q) =>
        q.where((eb) => eb.or([eb("started_at", "<", before!.startedAt), eb.and([eb("started_at", "=", before!.startedAt), eb("id", "<", before!.id)])])),
      )
      .orderBy("started_at", "desc")
      .orderBy("id", "desc")
      .limit(filter.limit)
      .execute();
  }

  /**
   * Running `auth/create_connection` operations started before `startedBefore`, oldest first after
   * `after`, each with its connect session's attempt, picker and result (the sweep decides).
   */
  async runningConnects(startedBefore: number, after: { startedAt: number; id: string } | null, limit: number): Promise<RunningConnectOperation[]> {
    return (
      this.db
        .selectFrom("operations as o")
        .leftJoin("connect_sessions as s", "s.id", "o.session_id")
        .select([
          "o.id",
          "o.started_at",
          "s.id as session_id",
          "s.operation_id as current_operation_id",
          "s.start_proof_hash",
          "s.start_expires_at",
          "s.last_attempt_at",
          "s.last_attempt_expires_at",
          "s.last_result",
          "s.last_result_at",
          "s.picker_expires_at",
          "s.picker_done_at",
          "s.picker_connection_id",
          "s.purpose",
        ])
        .where("o.type", "=", "auth")
        .where("o.action", "=", "create_connection")
        // A literal, so that the partial index of running operations applies (a parameter would not match it).
        .where("o.state", "=", sql.lit("running"))
        .where("o.started_at", "<", startedBefore)
        .$if(after !== null, (q) =>
          q.where((eb) => eb.or([eb("o.started_at", ">", after!.startedAt), eb.and([eb("o.started_at", "=", after!.startedAt), eb("o.id", ">", after!.id)])])),
        )
        .orderBy("o.started_at")
        .orderBy("o.id")
        .limit(limit)
        .execute()
    );
  }

  /**
   * Operations other than sign-ins still running that started before `startedBefore`, oldest first;
   * not a sync run whose connection's sync still holds a live lease by the database's clock (a long
   * run renews it: it is slow, not left by a stopped instance).
   */
  async runningOthers(startedBefore: number, limit: number): Promise<{ id: string; type: string; action: string }[]> {
    const syncName =
      this.db.getExecutor().adapter instanceof PostgresAdapter
        ? sql<string>`(operations.meta::json ->> 'syncName')`
        : sql<string>`json_extract(operations.meta, '$.syncName')`;
    return this.db
      .selectFrom("operations")
      .select(["id", "type", "action"])
      .where("state", "=", sql.lit("running"))
      .where("started_at", "<", startedBefore)
      .where((eb) => eb.or([eb("type", "!=", "auth"), eb("action", "!=", "create_connection")]))
      .where((eb) =>
        eb.or([
          eb("type", "!=", "sync"),
          eb.not(
            eb.exists(
              eb
                .selectFrom("sync_schedules as s")
                .select("s.sync_name")
                .whereRef("s.connection_id", "=", "operations.connection_id")
                .where("s.sync_name", "=", syncName)
                .where("s.lease_until", ">", databaseNow(this.db)),
            ),
          ),
        ]),
      )
      .orderBy("started_at")
      .orderBy("id")
      .limit(limit)
      .execute();
  }

  /**
   * Ends an operation still running, with a message saying why; false when it is not running any
   * more (its own end, or another instance's sweep, came first): exactly one caller adds the message.
   */
  async endRunning(id: string, end: OperationEnd, at: number, messageId: string): Promise<boolean> {
    return inTransaction(this.db, async (db) => {
      const updated = await db
        .updateTable("operations")
        .set({
          state: end.state,
          error_code: end.errorCode,
          error_message: end.errorMessage,
          ended_at: at,
          duration_ms: sql<number>`${at} - started_at`,
        })
        .where("id", "=", id)
        .where("state", "=", "running")
        .where("ended_at", "is", null)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return false;
      await db
        .insertInto("operation_messages")
        .values({ id: messageId, operation_id: id, type: "log", level: end.level, message: end.message, created_at: at, details: null })
        .execute();
      return true;
    });
  }

  async get(id: string): Promise<OperationRow | undefined> {
    return this.db.selectFrom("operations").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** An operation's messages in the order they were written (at most `limit`). */
  async messages(operationId: string, limit: number): Promise<OperationMessageRow[]> {
    return this.db
      .selectFrom("operation_messages")
      .select(["id", "operation_id", "type", "level", "message", "created_at", "details"])
      .where("operation_id", "=", operationId)
      .orderBy("created_at")
      .orderBy("seq")
      .limit(limit)
      .execute();
  }
}
