import { databaseNow, databaseNowPlus } from "./databaseClock.js";
import type { Db } from "./db.js";

/**
 * When each alert was last sent (table `alerts_sent`), shared by every instance for deduplication.
 * Every time here is the database's clock (databaseClock.ts): an instance whose clock runs ahead
 * would otherwise see another's claim or recent send as old and send the alert again.
 */
export class AlertStore {
  constructor(private readonly db: Db) {}

  /**
   * Takes the key unless it was sent within the last `windowMs`: writes, in one statement with the
   * check, a time that lapses `claimMs` from now unless confirmed (as if sent `windowMs - claimMs`
   * ago). The claim's value (for `confirm` and `release`) when taken, else null.
   */
  async claim(key: string, windowMs: number, claimMs: number): Promise<number | null> {
    const claim = databaseNowPlus(this.db, claimMs - windowMs);
    const taken = await this.db
      .insertInto("alerts_sent")
      .values({ key, sent_at: claim })
      .onConflict((oc) => oc.column("key").doUpdateSet({ sent_at: claim }).where("alerts_sent.sent_at", "<=", databaseNowPlus(this.db, -windowMs)))
      .returning("sent_at")
      .executeTakeFirst();
    return taken === undefined ? null : Number(taken.sent_at);
  }

  /** Sent: the key's window starts now, if the key still holds our `claim`. */
  async confirm(key: string, claim: number): Promise<void> {
    await this.db
      .updateTable("alerts_sent")
      .set({ sent_at: databaseNow(this.db) })
      .where("key", "=", key)
      .where("sent_at", "=", claim)
      .execute();
  }

  /** Not sent: the key is free again, if it still holds our `claim`. */
  async release(key: string, claim: number): Promise<void> {
    await this.db.deleteFrom("alerts_sent").where("key", "=", key).where("sent_at", "=", claim).execute();
  }
}
