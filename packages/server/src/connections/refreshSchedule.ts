/**
 * When a connection nobody reads gets its next keep-alive refresh: somewhere in the last fifth of
 * the keep-alive period after `now`, at random, so connections written together (a bulk import, a
 * burst of sign-ups) come due spread over days instead of in one burst.
 */
export function keepAliveDueAt(now: number, keepAliveSeconds: number, random: () => number = Math.random): number {
  const periodMs = keepAliveSeconds * 1000;
  return now + Math.round(periodMs * (0.8 + 0.2 * random()));
}
