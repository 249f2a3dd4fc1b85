import type { Selectable } from "kysely";
import { connectionIdInResult } from "./connectSessionStore.js";
import { type Db, inTransaction } from "./db.js";
import { containsExactly } from "./like.js";
import type { OAuthAttemptTable } from "./schema.js";

export type AttemptRow = Selectable<OAuthAttemptTable>;

/** Sign-in attempts (table `oauth_attempts`): one per authorize redirect, single-use at the callback. */
export class OAuthAttemptStore {
  constructor(private readonly db: Db) {}

  async insert(row: AttemptRow): Promise<void> {
    await this.db.insertInto("oauth_attempts").values(row).execute();
  }

  /**
   * Inserts the attempt unless its session already has `cap` of them; false when refused. Counting
   * and inserting in one transaction keeps one session from filling the table.
   */
  async insertBelowCap(row: AttemptRow, cap: number): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      const existing = await trx
        .selectFrom("oauth_attempts")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("session_id", "=", row.session_id)
        .executeTakeFirstOrThrow();
      if (Number(existing.n) >= cap) return false;
      await trx.insertInto("oauth_attempts").values(row).execute();
      return true;
    });
  }

  async findByStateHash(stateHash: string): Promise<AttemptRow | undefined> {
    return this.db.selectFrom("oauth_attempts").selectAll().where("state_hash", "=", stateHash).executeTakeFirst();
  }

  /**
   * Claims the attempt for one callback. Only the first caller gets `true`: the conditional update
   * is what makes an attempt single-use, even with two requests racing.
   */
  async consume(id: string, codeHash: string | null, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable("oauth_attempts")
      .set({ consumed_at: at, code_hash: codeHash })
      .where("id", "=", id)
      .where("consumed_at", "is", null)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Records the attempt's result unless one is recorded already: the first recorded result wins. */
  async recordResultOnce(id: string, json: string): Promise<boolean> {
    const recorded = await this.db.updateTable("oauth_attempts").set({ result: json }).where("id", "=", id).where("result", "is", null).executeTakeFirst();
    return Number(recorded.numUpdatedRows) === 1;
  }

  /** The session's attempts that show `previous` show `json` instead (a reload of the callback then shows it). */
  async replaceSessionResult(sessionId: string, previous: string | null, json: string): Promise<void> {
    await this.db.updateTable("oauth_attempts").set({ result: json }).where("session_id", "=", sessionId).where("result", "=", previous).execute();
  }

  /** Attempts consumed before `consumedBefore` that never got a result. */
  async findInterrupted(consumedBefore: number, limit: number): Promise<AttemptRow[]> {
    return this.db
      .selectFrom("oauth_attempts")
      .selectAll()
      .where("consumed_at", "<", consumedBefore)
      .where("result", "is", null)
      .orderBy("consumed_at")
      .limit(limit)
      .execute();
  }

  /**
   * A deleted connection's attempts keep nothing about its user: every recorded result of an attempt
   * that made or reopened it, or of a session that did, becomes `marker` (a reload of the callback
   * then shows it). Before ConnectSessionStore.scrubConnection, whose picker columns this reads.
   */
  async scrubConnection(connectionId: string, marker: string): Promise<void> {
    await this.db
      .updateTable("oauth_attempts")
      .set({ result: marker })
      .where("result", "is not", null)
      .where((eb) =>
        eb.or([
          eb("pending_connection_id", "=", connectionId),
          containsExactly("result", connectionIdInResult(connectionId)),
          eb(
            "session_id",
            "in",
            eb
              .selectFrom("connect_sessions")
              .select("id")
              .where((s) => s.or([s("picker_connection_id", "=", connectionId), s("reconnect_connection_id", "=", connectionId)])),
          ),
        ]),
      )
      .execute();
  }

  async deleteExpiredBefore(at: number): Promise<void> {
    await this.db.deleteFrom("oauth_attempts").where("expires_at", "<", at).execute();
  }
}
