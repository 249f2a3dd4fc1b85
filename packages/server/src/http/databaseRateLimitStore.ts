import type { ClientRateLimitInfo, Options, Store } from "express-rate-limit";
import type { RateLimitStore } from "../store/rateLimitStore.js";
import { systemClock, type Clock } from "../util/clock.js";

/**
 * express-rate-limit's Store on the project's database (store/rateLimitStore.ts): the counts are
 * shared by every instance, so the limit holds for the deployment, not per process. One per limiter
 * (`prefix` keeps their counters apart).
 */
export class DatabaseRateLimitStore implements Store {
  /** Counts live outside this process: express-rate-limit must not assume it sees every hit. */
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly counts: RateLimitStore,
    readonly prefix: string,
    private readonly now: Clock = systemClock,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const count = await this.counts.get(this.prefix + key, this.now());
    return count && { totalHits: count.hits, resetTime: new Date(count.resetAt) };
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const count = await this.counts.hit(this.prefix + key, this.windowMs, this.now());
    return { totalHits: count.hits, resetTime: new Date(count.resetAt) };
  }

  async decrement(key: string): Promise<void> {
    await this.counts.unhit(this.prefix + key, this.now());
  }

  async resetKey(key: string): Promise<void> {
    await this.counts.reset(this.prefix + key);
  }
}
