import type { ProxyHoldStore } from "../store/proxyHoldStore.js";
import type { ProxyHoldReason } from "../store/schema.js";
import { type Clock, systemClock } from "../util/clock.js";

/** How long Microsoft's throttling holds a customer's calls (PROXY_THROTTLE_HOLD_SECONDS, PROXY_429_HOLD_SECONDS, PROXY_MAX_HOLD_SECONDS). */
export interface HoldLimits {
  throttleHoldSeconds: number;
  http429HoldSeconds: number;
  maxHoldSeconds: number;
}

/**
 * The pause per Microsoft Advertising customer after a 429 (117 CallRateExceeded or a plain one),
 * kept in the database so every instance honours it: until it passes, calls for that customer are
 * answered 429 without reaching Microsoft (no retry storms against its 60-second window). No hold is
 * longer than PROXY_MAX_HOLD_SECONDS, whatever Microsoft's Retry-After asked.
 */
export class ThrottleHolds {
  constructor(
    private readonly store: ProxyHoldStore,
    private readonly limits: HoldLimits,
    private readonly now: Clock = systemClock,
  ) {}

  private get maxMs(): number {
    return this.limits.maxHoldSeconds * 1000;
  }

  /** The customer's hold (its end and why), or null when there is none. A hold stored longer than the clamp is shortened to it. */
  async held(customerKey: string): Promise<{ until: number; reason: ProxyHoldReason | null } | null> {
    const row = await this.store.find(customerKey);
    const now = this.now();
    if (!row || row.until <= now) return null;
    const latest = now + this.maxMs;
    if (row.until <= latest) return { until: row.until, reason: row.reason };
    await this.store.shorten(customerKey, latest);
    return { until: latest, reason: row.reason };
  }

  /** Holds the customer's calls for `seconds`, at most the clamp (a longer hold already in place is kept). */
  async hold(customerKey: string, seconds: number, reason: ProxyHoldReason): Promise<void> {
    await this.store.extend(customerKey, this.now() + Math.min(Math.max(seconds * 1000, 0), this.maxMs), reason);
  }

  /**
   * How long a 429 holds the customer: after 117 (a 60-second call-rate window) at least
   * PROXY_THROTTLE_HOLD_SECONDS, else Microsoft's Retry-After or PROXY_429_HOLD_SECONDS; never more
   * than PROXY_MAX_HOLD_SECONDS, whatever Retry-After says.
   */
  holdSeconds(retryAfterSeconds: number | null, callRate: boolean): number {
    const { throttleHoldSeconds, http429HoldSeconds, maxHoldSeconds } = this.limits;
    const wanted = callRate ? Math.max(retryAfterSeconds ?? 0, throttleHoldSeconds) : (retryAfterSeconds ?? http429HoldSeconds);
    return Math.max(1, Math.min(wanted, maxHoldSeconds));
  }
}
