import type { Db } from "./db.js";
import type { ProxyHoldReason } from "./schema.js";

/** The hold key of a connection's calls without a customer (a customer's key is its id). */
export const USER_HOLD_PREFIX = "user:";

/** A customer's hold as stored (`until` in epoch ms). */
export interface ProxyHoldRow {
  customer_key: string;
  until: number;
  reason: ProxyHoldReason | null;
}

/** The proxy's holds per Microsoft Advertising customer (table `proxy_holds`), shared by every instance. */
export class ProxyHoldStore {
  constructor(private readonly db: Db) {}

  /** The customer's hold, ended or not, or null. */
  async find(customerKey: string): Promise<ProxyHoldRow | null> {
    const row = await this.db.selectFrom("proxy_holds").select(["customer_key", "until", "reason"]).where("customer_key", "=", customerKey).executeTakeFirst();
    return row ? { ...row, until: Number(row.until) } : null;
  }

  /** Holds the customer until `until`; a longer hold already in place is kept. */
  async extend(customerKey: string, until: number, reason: ProxyHoldReason): Promise<void> {
    await this.db
      .insertInto("proxy_holds")
      .values({ customer_key: customerKey, until, reason })
      .onConflict((oc) => oc.column("customer_key").doUpdateSet({ until, reason }).where("proxy_holds.until", "<", until))
      .execute();
  }

  /** Brings a hold ending after `latest` back to `latest` (rows from before the clamp, or a lowered setting). */
  async shorten(customerKey: string, latest: number): Promise<void> {
    await this.db.updateTable("proxy_holds").set({ until: latest }).where("customer_key", "=", customerKey).where("until", ">", latest).execute();
  }

  /**
   * Drops the hold of the connection's own calls (`user:<id>`; its deletion). Customers' holds stay:
   * they are Microsoft's pace for a customer other connections may reach, and end within minutes.
   */
  async deleteUserHold(connectionId: string): Promise<void> {
    await this.db.deleteFrom("proxy_holds").where("customer_key", "=", `${USER_HOLD_PREFIX}${connectionId}`).execute();
  }

  /** Holds not ended at `at`, the longest first, at most `limit`. */
  async active(at: number, limit: number): Promise<ProxyHoldRow[]> {
    const rows = await this.db
      .selectFrom("proxy_holds")
      .select(["customer_key", "until", "reason"])
      .where("until", ">", at)
      .orderBy("until", "desc")
      .orderBy("customer_key")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...r, until: Number(r.until) }));
  }

  /** How many holds have not ended at `at` (the metrics' gauge). */
  async countActive(at: number): Promise<number> {
    const row = await this.db
      .selectFrom("proxy_holds")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("until", ">", at)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}
