import type { ExpressionBuilder, Selectable, Updateable } from "kysely";
import type { Db } from "./db.js";
import { containsExactly } from "./like.js";
import type { ConnectSessionTable, Database } from "./schema.js";

/** `at`, or just after `column` when that is not earlier: an order two instances' clocks cannot reverse. */
const laterThan = (eb: ExpressionBuilder<Database, "connect_sessions">, column: "last_attempt_at" | "last_result_at", at: number) =>
  eb
    .case()
    .when(column, ">=", at)
    .then(eb(column, "+", 1))
    .else(at)
    .end();

export type ConnectSessionRow = Selectable<ConnectSessionTable>;

/** The picker's state columns a change-accounts picker (re)opens with. */
export type PickerOpening = Pick<Updateable<ConnectSessionTable>, "picker_connection_id" | "picker_origin" | "picker_expires_at">;

/** The sign-in flow's state (table `connect_sessions`): every read and write of it goes through here. */
export class ConnectSessionStore {
  constructor(private readonly db: Db) {}

  async insert(row: ConnectSessionRow): Promise<void> {
    await this.db.insertInto("connect_sessions").values(row).execute();
  }

  async findByTokenHash(tokenHash: string): Promise<ConnectSessionRow | undefined> {
    return this.db.selectFrom("connect_sessions").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
  }

  async findById(id: string): Promise<ConnectSessionRow | undefined> {
    return this.db.selectFrom("connect_sessions").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async findByStartProofHash(proofHash: string): Promise<ConnectSessionRow | undefined> {
    return this.db.selectFrom("connect_sessions").selectAll().where("start_proof_hash", "=", proofHash).executeTakeFirst();
  }

  async findByPickerTokenHash(tokenHash: string): Promise<ConnectSessionRow | undefined> {
    return this.db.selectFrom("connect_sessions").selectAll().where("picker_token_hash", "=", tokenHash).executeTakeFirst();
  }

  /** The start page now shown for this session (a newer one replaces an older one). */
  async setPendingStart(
    id: string,
    start: { proofHash: string; bindingHash: string; origin: string | null; flow: string | null; expiresAt: number; operationId?: string | undefined },
  ): Promise<void> {
    await this.db
      .updateTable("connect_sessions")
      .set({
        start_proof_hash: start.proofHash,
        start_binding_hash: start.bindingHash,
        start_origin: start.origin,
        start_flow: start.flow,
        start_expires_at: start.expiresAt,
        // The attempt's operation in the operation log: its later steps (on any instance) add to it.
        ...(start.operationId !== undefined ? { operation_id: start.operationId } : {}),
      })
      .where("id", "=", id)
      .execute();
  }

  /** Uses up a start page's proof. Only the first caller gets `true`, even with two requests racing. */
  async claimPendingStart(id: string, proofHash: string): Promise<boolean> {
    const result = await this.db
      .updateTable("connect_sessions")
      .set({ start_proof_hash: null, start_binding_hash: null })
      .where("id", "=", id)
      .where("start_proof_hash", "=", proofHash)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Ties a change-accounts session's picker to its connection, once: true only for the first
   * caller (the one that refreshes the accounts), even with two requests racing.
   */
  async claimPickerConnection(id: string, connectionId: string): Promise<boolean> {
    const result = await this.db
      .updateTable("connect_sessions")
      .set({ picker_connection_id: connectionId })
      .where("id", "=", id)
      .where("picker_connection_id", "is", null)
      .where("completed_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The session's newest attempt: whether it was consumed and has a result. */
  async latestAttempt(sessionId: string): Promise<{ consumed_at: number | null; result: string | null } | undefined> {
    return this.db
      .selectFrom("oauth_attempts")
      .select(["consumed_at", "result"])
      .where("session_id", "=", sessionId)
      .orderBy("created_at", "desc")
      .limit(1)
      .executeTakeFirst();
  }

  /**
   * A new attempt orders after the session's latest result even when this instance's clock is
   * behind the one that recorded it (`last_attempt_at > last_result_at` is what "in progress" means).
   */
  async markAttemptStarted(id: string, at: number, expiresAt: number, flow: string | null): Promise<void> {
    await this.db
      .updateTable("connect_sessions")
      .set((eb) => ({
        last_attempt_at: laterThan(eb, "last_result_at", at),
        last_attempt_expires_at: expiresAt,
        last_attempt_flow: flow,
      }))
      .where("id", "=", id)
      .execute();
  }

  /**
   * The session's latest result (what its status and reloads show), unless `openOnly` and the
   * session completed. It orders after the attempt it ends even when this instance's clock is behind
   * the one that started the attempt (several instances, clocks apart): else the status would
   * show the attempt in progress until it expires.
   */
  async recordResult(id: string, json: string, at: number, options: { openOnly?: boolean } = {}): Promise<void> {
    await this.db
      .updateTable("connect_sessions")
      .set((eb) => ({
        last_result: json,
        last_result_at: laterThan(eb, "last_attempt_at", at),
      }))
      .where("id", "=", id)
      .$if(options.openOnly === true, (q) => q.where("completed_at", "is", null))
      .execute();
  }

  /** Replaces the latest result without moving its time (the picker adds the chosen accounts). */
  async replaceResult(id: string, json: string): Promise<void> {
    await this.db.updateTable("connect_sessions").set({ last_result: json }).where("id", "=", id).execute();
  }

  /** Claims the single-use session for one callback: true only for the first caller. */
  async claimCompletion(id: string, at: number): Promise<boolean> {
    const claimed = await this.db
      .updateTable("connect_sessions")
      .set({ completed_at: at })
      .where("id", "=", id)
      .where("completed_at", "is", null)
      .executeTakeFirst();
    return Number(claimed.numUpdatedRows) === 1;
  }

  /** Completes a change-accounts session with its result. */
  async complete(id: string, json: string, at: number): Promise<void> {
    await this.db
      .updateTable("connect_sessions")
      .set((eb) => ({
        completed_at: at,
        last_result: json,
        last_result_at: laterThan(eb, "last_attempt_at", at),
      }))
      .where("id", "=", id)
      .execute();
  }

  /** After a connect: the picker of the stored connection, with its deadline and the held creation webhook. */
  async armPickerAfterConnect(id: string, picker: PickerOpening & { picker_webhook_id: string | null }): Promise<void> {
    await this.db.updateTable("connect_sessions").set(picker).where("id", "=", id).execute();
  }

  /** A change-accounts picker (re)opened: a new deadline, no token or binding yet, not done. */
  async reopenPicker(id: string, picker: PickerOpening): Promise<void> {
    await this.db
      .updateTable("connect_sessions")
      .set({ ...picker, picker_done_at: null, picker_token_hash: null, picker_binding_hash: null })
      .where("id", "=", id)
      .where("completed_at", "is", null)
      .execute();
  }

  /** A new one-time picker token and browser binding, while the picker is not done; false once it is. */
  async issuePickerToken(id: string, tokenHash: string, bindingHash: string): Promise<boolean> {
    const updated = await this.db
      .updateTable("connect_sessions")
      .set({ picker_token_hash: tokenHash, picker_binding_hash: bindingHash })
      .where("id", "=", id)
      .where("picker_done_at", "is", null)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  /** Spends the picker, once (with `claim`, only for that token before the deadline): false when someone else did. */
  async spendPicker(id: string, at: number, claim: string | null): Promise<boolean> {
    let spend = this.db.updateTable("connect_sessions").set({ picker_done_at: at }).where("id", "=", id).where("picker_done_at", "is", null);
    if (claim) spend = spend.where("picker_token_hash", "=", claim).where("picker_expires_at", ">", at);
    return Number((await spend.executeTakeFirst()).numUpdatedRows) === 1;
  }

  /** The creation webhooks held by pickers still open on the connection (sent at their choice or deadline). */
  async heldPickerWebhooks(connectionId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("connect_sessions")
      .select("picker_webhook_id")
      .where("picker_connection_id", "=", connectionId)
      .where("picker_done_at", "is", null)
      .where("picker_webhook_id", "is not", null)
      .execute();
    return rows.flatMap((r) => (r.picker_webhook_id ? [r.picker_webhook_id] : []));
  }

  /**
   * A deleted connection's sessions keep nothing about its user: the stored result of every session
   * that made it, reopened it (a reconnect, a change of accounts) or was choosing its accounts becomes
   * `marker` (a result without personal data), and an open picker on it is closed (spent, its token
   * and binding gone, no longer pointing at it). In the deletion's transaction. The row stays until
   * its expiry (its status then reads the marker).
   */
  async scrubConnection(connectionId: string, marker: string, at: number): Promise<void> {
    await this.db
      .updateTable("connect_sessions")
      .set((eb) => ({
        picker_connection_id: null,
        picker_token_hash: null,
        picker_binding_hash: null,
        picker_done_at: eb.fn.coalesce("picker_done_at", eb.val(at)),
        last_result: marker,
        // After the attempt it ends, as a recorded result (else an open change of accounts would read as in progress).
        last_result_at: laterThan(eb, "last_attempt_at", at),
      }))
      .where("picker_connection_id", "=", connectionId)
      .execute();
    await this.db
      .updateTable("connect_sessions")
      .set({ last_result: marker })
      .where("last_result", "is not", null)
      .where((eb) => eb.or([eb("reconnect_connection_id", "=", connectionId), containsExactly("last_result", connectionIdInResult(connectionId))]))
      .execute();
  }
}

/** How a stored result (JSON.stringify of a ConnectResult) names its connection. */
export function connectionIdInResult(connectionId: string): string {
  return `"connection_id":${JSON.stringify(connectionId)}`;
}
