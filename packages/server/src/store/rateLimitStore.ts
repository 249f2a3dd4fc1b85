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
   * Adds `hits` to a counter and returns its total over every instance: one atomic upsert, so
   * concurrent additions from several instances all count. An addition after the window's end
   * starts a new window of `windowMs` holding only it.
   */
  async add(key: string, hits: number, windowMs: number, now: number): Promise<RateLimitCount> {
    const ended = sql<boolean>`rate_limit_hits.reset_at <= ${now}`;
    const row = await this.db
      .insertInto("rate_limit_hits")
      .values({ key, hits, reset_at: now + windowMs })
      .onConflict((oc) =>
        oc.column("key").doUpdateSet({
          hits: sql<number>`case when ${ended} then excluded.hits else rate_limit_hits.hits + excluded.hits end`,
          reset_at: sql<number>`case when ${ended} then excluded.reset_at else rate_limit_hits.reset_at end`,
        }),
      )
      .returning(["hits", "reset_at"])
      .executeTakeFirstOrThrow();
    return { hits: Number(row.hits), resetAt: Number(row.reset_at) };
  }
}
