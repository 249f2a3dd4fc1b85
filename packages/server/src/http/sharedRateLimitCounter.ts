import type { Logger } from "pino";
import type { DatabaseOutage } from "../store/databaseOutage.js";
import type { RateLimitStore } from "../store/rateLimitStore.js";
import { type Clock, systemClock } from "../util/clock.js";
import type { RateLimitCounter, RateLimitHit } from "./rateLimitCounter.js";

/** How long at most a hit waits in memory before it is added to the shared count. */
const RATE_LIMIT_FLUSH_MS = 250;

interface SharedCount {
  /** The deployment-wide total the database last returned for this key's window. */
  known: number;
  /** The window's end (epoch ms): the database's once a flush returned, this instance's guess before. */
  resetAt: number;
  /** This instance's hits not yet sent. */
  unflushed: number;
  /** This instance's hits in the statement under way (not yet in `known`). */
  inFlight: number;
}

/**
 * Rate-limit counts shared by every instance on one PostgreSQL without a database write per
 * request. Each instance counts hits in memory and, at most every RATE_LIMIT_FLUSH_MS and off the
 * request path, adds each key's new hits to its row (store/rateLimitStore.ts: one statement per key
 * per flush), learning the deployment-wide total from the same statement. A hit is answered from
 * that last known total plus this instance's hits since, so every instance sees the others' hits
 * at most one flush late: over all N instances a limit is exceeded by at most the hits the
 * deployment gets in about one flush interval. A failed flush (the database away) keeps its hits
 * for the next one; meanwhile each instance still counts its own.
 */
export class SharedRateLimitCounter implements RateLimitCounter {
  private readonly counts = new Map<string, SharedCount>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private stopped = false;
  private warnedAt = -Infinity;

  constructor(
    private readonly store: RateLimitStore,
    private readonly windowMs: number,
    private readonly logger: Logger,
    private readonly now: Clock = systemClock,
    private readonly flushMs = RATE_LIMIT_FLUSH_MS,
    /** Told of a failed flush, so an unreachable database is logged once per outage. */
    private readonly outage?: DatabaseOutage,
  ) {}

  hit(key: string, now: number): RateLimitHit {
    let count = this.counts.get(key);
    if (count === undefined) {
      count = { known: 0, resetAt: now + this.windowMs, unflushed: 0, inFlight: 0 };
      this.counts.set(key, count);
    } else if (count.resetAt <= now) {
      // The window has ended: hits not yet sent belonged to it and no longer count.
      count.known = 0;
      count.unflushed = 0;
      count.resetAt = now + this.windowMs;
    }
    count.unflushed++;
    this.schedule();
    return { hits: count.known + count.inFlight + count.unflushed, resetAt: count.resetAt };
  }

  /** Adds every key's unsent hits to the database now (one statement per key), after the flush under way. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.flushing = this.send().finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  /** Forgets this instance's counts, unsent hits included (tests start each case from fresh windows). */
  clear(): void {
    this.counts.clear();
  }

  /** Sends what is left and stops flushing (the server's shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushMs);
    this.timer.unref();
  }

  private async send(): Promise<void> {
    const now = this.now();
    const batch: [string, SharedCount, number][] = [];
    for (const [key, count] of this.counts) {
      // An ended window's hits no longer count (hit() starts afresh), sent or not: forgotten, so a
      // database outage cannot pile up every client ever seen or carry old hits into a new window.
      if (count.resetAt <= now) this.counts.delete(key);
      else if (count.unflushed > 0) {
        batch.push([key, count, count.unflushed]);
        count.inFlight = count.unflushed;
        count.unflushed = 0;
      }
    }
    let failed: unknown;
    for (const [key, count, hits] of batch) {
      // After one failure the rest wait for the next flush: one statement's timeout per flush, not one per key.
      if (failed === undefined) {
        try {
          const total = await this.store.add(key, hits, this.windowMs, now);
          count.known = total.hits;
          count.resetAt = total.resetAt;
        } catch (err) {
          failed = err;
          count.unflushed += hits;
        }
      } else count.unflushed += hits;
      count.inFlight = 0;
    }
    if (failed !== undefined && !this.outage?.noted(failed) && now - this.warnedAt >= 60_000) {
      this.warnedAt = now;
      this.logger.warn({ err: failed }, "could not add rate-limit counts to the database; counting in memory and retrying (warned at most once a minute)");
    }
    for (const count of this.counts.values()) {
      if (count.unflushed > 0) {
        this.schedule();
        break;
      }
    }
  }
}
