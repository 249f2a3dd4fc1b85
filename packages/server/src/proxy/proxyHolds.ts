import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";

/**
 * The proxy's pause per Microsoft Advertising customer after 117 CallRateExceeded, kept in the
 * database so every instance honours it: until it passes, calls for that customer are answered 429
 * without reaching Microsoft (no retry storms against its 60-second window).
 */
export class ProxyHolds {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  /** When the customer's hold ends, or null when there is none. */
  async heldUntil(customerKey: string): Promise<number | null> {
    const row = await this.db.selectFrom("proxy_holds").select("until").where("customer_key", "=", customerKey).executeTakeFirst();
    const until = row ? Number(row.until) : 0;
    return until > this.now() ? until : null;
  }

  /** Holds the customer's calls for `ms` (a longer hold already in place is kept). Returns the end. */
  async hold(customerKey: string, ms: number): Promise<number> {
    const until = this.now() + ms;
    await this.db
      .insertInto("proxy_holds")
      .values({ customer_key: customerKey, until })
      .onConflict((oc) => oc.column("customer_key").doUpdateSet({ until }).where("proxy_holds.until", "<", until))
      .execute();
    return until;
  }
}
