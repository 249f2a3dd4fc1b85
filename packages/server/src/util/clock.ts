/** Milliseconds since the epoch. Classes take one so tests and the refresh simulation can pass a fake. */
export type Clock = () => number;

/** The real clock: `Date.now()`, read on each call. */
export const systemClock: Clock = () => Date.now();
