/** A counter's state after a hit: hits in the current window (this one included) and its end (epoch ms). */
export interface RateLimitHit {
  hits: number;
  resetAt: number;
}

/** Counts hits per key in fixed windows that start at a key's first hit. Synchronous: no I/O on the request path. */
export interface RateLimitCounter {
  hit(key: string, now: number): RateLimitHit;
}

/**
 * Hits counted in this process's memory (SQLite's single process, RATE_LIMIT_STORE=memory, the
 * load balancer's probes). Ended windows are dropped about once a window, so per-IP keys do not pile up.
 */
export class MemoryRateLimitCounter implements RateLimitCounter {
  private readonly counts = new Map<string, RateLimitHit>();
  private sweepAt = 0;

  constructor(private readonly windowMs: number) {}

  hit(key: string, now: number): RateLimitHit {
    if (now >= this.sweepAt) this.sweep(now);
    let count = this.counts.get(key);
    if (count === undefined || count.resetAt <= now) {
      count = { hits: 0, resetAt: now + this.windowMs };
      this.counts.set(key, count);
    }
    count.hits++;
    return count;
  }

  private sweep(now: number): void {
    for (const [key, count] of this.counts) if (count.resetAt <= now) this.counts.delete(key);
    this.sweepAt = now + this.windowMs;
  }
}
