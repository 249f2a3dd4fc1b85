import type { Db } from "./db.js";

/** The shared Microsoft token request budget (tables `token_request_windows` and `token_throttle`). */
export class TokenBudgetStore {
  constructor(private readonly db: Db) {}

  /**
   * Counts one request in the window starting at `windowStart`, only while it is under `cap` (no cap:
   * always). One statement on both databases: the row is created with 1, or counted up. True when counted.
   */
  async count(windowStart: number, cap?: number): Promise<boolean> {
    const result = await this.db
      .insertInto("token_request_windows")
      .values({ window_start: windowStart, count: 1 })
      .onConflict((oc) => {
        const update = oc.column("window_start").doUpdateSet((eb) => ({ count: eb("token_request_windows.count", "+", 1) }));
        return cap === undefined ? update : update.where("token_request_windows.count", "<", cap);
      })
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /** Requests counted in the window starting at `windowStart`. */
  async countIn(windowStart: number): Promise<number> {
    const row = await this.db.selectFrom("token_request_windows").select("count").where("window_start", "=", windowStart).executeTakeFirst();
    return row ? Number(row.count) : 0;
  }

  async deleteWindowsBefore(windowStart: number): Promise<void> {
    await this.db.deleteFrom("token_request_windows").where("window_start", "<", windowStart).execute();
  }

  /** Until when Entra asked to slow down (0: never). */
  async throttledUntil(): Promise<number> {
    const row = await this.db.selectFrom("token_throttle").select("until").where("id", "=", "entra").executeTakeFirst();
    return row ? Number(row.until) : 0;
  }

  /** Entra asked to slow down until `until`; a later time already stored stays. */
  async throttle(until: number): Promise<void> {
    await this.db
      .insertInto("token_throttle")
      .values({ id: "entra", until })
      .onConflict((oc) => oc.column("id").doUpdateSet({ until }).where("token_throttle.until", "<", until))
      .execute();
  }
}
