import type { TokenBudgetStore } from "../store/tokenBudgetStore.js";
import { type Clock, systemClock } from "../util/clock.js";

/**
 * The app's token requests to Microsoft, counted in the database so every instance shares one
 * budget: `TOKEN_REQUESTS_PER_MINUTE` per clock minute (each pass of the refresh-ahead job, once a
 * minute, can use the minute's budget; its bounded concurrency paces the requests), and a pause
 * that one instance records when Entra throttles the app (429 / AADSTS50196) and all of them honour.
 *
 * Background refreshes (ahead of expiry, keep-alive, and those a sync run needs) take from the
 * budget and stop when it is spent. A refresh a reader is waiting for is counted but never refused by the budget: the reader
 * needs it now and it cannot be moved; only Entra's own throttling makes a reader wait.
 */
export class TokenBudget {
  readonly windowMs: number;
  readonly perWindow: number;
  private prunedBefore = 0;

  constructor(
    private readonly store: TokenBudgetStore,
    perMinute: number,
    private readonly now: Clock = systemClock,
  ) {
    this.windowMs = 60_000;
    this.perWindow = perMinute;
  }

  private windowStart(t: number): number {
    return Math.floor(t / this.windowMs) * this.windowMs;
  }

  /** One background request, if the current window has room and Entra is not throttling the app. */
  async tryTake(): Promise<boolean> {
    const t = this.now();
    if ((await this.throttledUntil()) !== null) return false;
    const start = this.windowStart(t);
    await this.prune(start);
    // One statement on both databases: the row is created with 1, or counted up only while under the cap.
    return this.store.count(start, this.perWindow);
  }

  /** Counts a request made for a waiting reader (always allowed), so background work leaves room for it. */
  async note(): Promise<void> {
    const start = this.windowStart(this.now());
    await this.prune(start);
    await this.store.count(start);
  }

  /** When a refused background request may be tried again: Entra's throttling ends, else the next window begins. */
  async nextTryAt(): Promise<number> {
    return (await this.throttledUntil()) ?? this.windowStart(this.now()) + this.windowMs;
  }

  /** When Entra's throttling ends, or null when it is not throttling the app. */
  async throttledUntil(): Promise<number | null> {
    const until = await this.store.throttledUntil();
    return until > this.now() ? until : null;
  }

  /** Entra throttled a token request: every instance pauses background refreshes for `ms`. */
  async throttle(ms: number): Promise<void> {
    const until = this.now() + ms;
    await this.store.throttle(until);
  }

  /** Requests counted in the window holding `t` (for tests and the simulation). */
  async countAt(t: number): Promise<number> {
    return this.store.countIn(this.windowStart(t));
  }

  /** Windows older than ten minutes are dropped, at most once per window per instance. */
  private async prune(start: number): Promise<void> {
    if (start <= this.prunedBefore) return;
    this.prunedBefore = start;
    await this.store.deleteWindowsBefore(start - 600_000);
  }
}
