import { ianaZoneOf } from "../msads/timeZones.js";

const DAY_MS = 86_400_000;

/**
 * Today (`YYYY-MM-DD`) in the account's time zone (Microsoft's `TimeZone` name): Microsoft's daily
 * rows are the account's days, and a report may not end after the report time zone's today.
 */
export function todayIn(timeZone: string | null, now: number): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone: ianaZoneOf(timeZone), year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(now));
}

/** `day` plus `n` days (n may be negative). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** [start, end] split into ranges of at most `size` days (Microsoft's reports: a year at a time). */
export function chunks(start: string, end: string, size: number): { start: string; end: string }[] {
  const out: { start: string; end: string }[] = [];
  for (let s = start; s <= end; s = addDays(s, size)) {
    const e = addDays(s, size - 1);
    out.push({ start: s, end: e < end ? e : end });
  }
  return out;
}
