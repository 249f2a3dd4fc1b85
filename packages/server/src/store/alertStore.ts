import { type Db, inTransaction } from "./db.js";

/** When each alert was last sent (table `alerts_sent`), shared by every instance for deduplication. */
export class AlertStore {
  constructor(private readonly db: Db) {}

  /**
   * Takes the key unless it was sent after `sentAfter`: writes `claim` as its time (in one
   * transaction with the check). True when taken.
   */
  async claim(key: string, sentAfter: number, claim: number): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      const last = await trx.selectFrom("alerts_sent").select("sent_at").where("key", "=", key).executeTakeFirst();
      if (last && last.sent_at > sentAfter) return false;
      await trx
        .insertInto("alerts_sent")
        .values({ key, sent_at: claim })
        .onConflict((oc) => oc.column("key").doUpdateSet({ sent_at: claim }))
        .execute();
      return true;
    });
  }

  /** Sent: the key's window starts at `at`, if the key still holds our `claim`. */
  async confirm(key: string, claim: number, at: number): Promise<void> {
    await this.db.updateTable("alerts_sent").set({ sent_at: at }).where("key", "=", key).where("sent_at", "=", claim).execute();
  }

  /** Not sent: the key is free again, if it still holds our `claim`. */
  async release(key: string, claim: number): Promise<void> {
    await this.db.deleteFrom("alerts_sent").where("key", "=", key).where("sent_at", "=", claim).execute();
  }
}
