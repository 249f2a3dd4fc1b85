import type { ProxyHoldStore } from "../store/proxyHoldStore.js";
import type { ProxyHoldReason } from "../store/schema.js";
import { systemClock, type Clock } from "../util/clock.js";

/**
 * The proxy's pause per Microsoft Advertising customer after a 429 (117 CallRateExceeded or a plain
 * one), kept in the database so every instance honours it: until it passes, calls for that customer
 * are answered 429 without reaching Microsoft (no retry storms against its 60-second window). No
 * hold is longer than `maxMs` (PROXY_MAX_HOLD_SECONDS), whatever Microsoft's Retry-After asked.
 */
export class ProxyHolds {
  constructor(
    private readonly store: ProxyHoldStore,
    private readonly maxMs: number,
    private readonly now: Clock = systemClock,
  ) {}

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

  /** Holds the customer's calls for `ms`, at most the clamp (a longer hold already in place is kept). Returns the end. */
  async hold(customerKey: string, ms: number, reason: ProxyHoldReason): Promise<number> {
    const until = this.now() + Math.min(Math.max(ms, 0), this.maxMs);
    await this.store.extend(customerKey, until, reason);
    return until;
  }
}
