import { sql } from "kysely";
import { type Db, inTransaction } from "./db.js";
import type { OperationMessageTable, OperationTable } from "./schema.js";

export type OperationRow = OperationTable;
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
          error_code: sql`COALESCE(excluded.error_code, operations.error_code)`,
          error_message: sql`COALESCE(excluded.error_message, operations.error_message)`,
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
