import { sql } from "kysely";
import type { Db } from "./db.js";

export interface RateLimitCount {
  hits: number;
  /** Epoch ms when the window ends. */
  resetAt: number;
}

/**
 * Rate-limit counters in the database, so every instance on one PostgreSQL counts against the same
 * limit (in memory, N instances would allow N times it). One row per limiter and client: its hits
 * in the current fixed window and the window's end. Ended rows are deleted by the prune job.
 */
export class RateLimitStore {
  constructor(private readonly db: Db) {}

  /**
   * Counts one hit and returns the count: one atomic upsert, so concurrent hits from several
   * instances are all counted. A hit after the window's end starts a new window of `windowMs`.
   */
  async hit(key: string, windowMs: number, now: number): Promise<RateLimitCount> {
    const ended = sql<boolean>`rate_limit_hits.reset_at <= ${now}`;
    const row = await this.db
      .insertInto("rate_limit_hits")
      .values({ key, hits: 1, reset_at: now + windowMs })
      .onConflict((oc) =>
        oc.column("key").doUpdateSet({
          hits: sql<number>`case when ${ended} then 1 else rate_limit_hits.hits + 1 end`,
          reset_at: sql<number>`case when ${ended} then excluded.reset_at else rate_limit_hits.reset_at end`,
        }),
      )
      .returning(["hits", "reset_at"])
      .executeTakeFirstOrThrow();
    return { hits: Number(row.hits), resetAt: Number(row.reset_at) };
  }

  /** Takes one hit back (express-rate-limit's skipped requests), within the current window only. */
  async unhit(key: string, now: number): Promise<void> {
    await this.db
      .updateTable("rate_limit_hits")
      .set({ hits: sql<number>`hits - 1` })
      .where("key", "=", key)
      .where("hits", ">", 0)
      .where("reset_at", ">", now)
      .execute();
  }

  /** The current window's count, or undefined when there is none (or it has ended). */
  async get(key: string, now: number): Promise<RateLimitCount | undefined> {
    const row = await this.db.selectFrom("rate_limit_hits").select(["hits", "reset_at"]).where("key", "=", key).where("reset_at", ">", now).executeTakeFirst();
    return row ? { hits: Number(row.hits), resetAt: Number(row.reset_at) } : undefined;
  }

  async reset(key: string): Promise<void> {
    await this.db.deleteFrom("rate_limit_hits").where("key", "=", key).execute();
  }
}
