import type { Kysely, Selectable } from "kysely";
import type { Database, ConnectSessionTable } from "./schema.js";

export type ConnectSessionRow = Selectable<ConnectSessionTable>;

export class SessionStore {
  constructor(private readonly db: Kysely<Database>) {}

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

  /** The start page now shown for this session (a newer one replaces an older one). */
  async setPendingStart(id: string, start: { proofHash: string; bindingHash: string; origin: string | null; flow: string | null; expiresAt: number }): Promise<void> {
    await this.db
      .updateTable("connect_sessions")
      .set({ start_proof_hash: start.proofHash, start_binding_hash: start.bindingHash, start_origin: start.origin, start_flow: start.flow, start_expires_at: start.expiresAt })
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

  async markAttemptStarted(id: string, at: number, expiresAt: number, flow: string | null): Promise<void> {
    await this.db
      .updateTable("connect_sessions")
      .set({ last_attempt_at: at, last_attempt_expires_at: expiresAt, last_attempt_flow: flow })
      .where("id", "=", id)
      .execute();
  }
}
