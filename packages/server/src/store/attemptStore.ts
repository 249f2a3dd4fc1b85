import type { Kysely, Selectable } from "kysely";
import type { Database, OAuthAttemptTable } from "./schema.js";

export type AttemptRow = Selectable<OAuthAttemptTable>;

export class AttemptStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: AttemptRow): Promise<void> {
    await this.db.insertInto("oauth_attempts").values(row).execute();
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

  async deleteExpiredBefore(at: number): Promise<void> {
    await this.db.deleteFrom("oauth_attempts").where("expires_at", "<", at).execute();
  }
}
