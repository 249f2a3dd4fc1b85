import { ERROR_CATALOGUE, type ErrorCode } from "@ads-connect/shared";

/** The overview's ranges: how far back, and how wide each chart bucket is. */
export const RANGES = {
  "24h": { spanMs: 24 * 3_600_000, bucketMs: 3_600_000 },
  "7d": { spanMs: 7 * 86_400_000, bucketMs: 6 * 3_600_000 },
  "15d": { spanMs: 15 * 86_400_000, bucketMs: 86_400_000 },
} as const;
export type OverviewRange = keyof typeof RANGES;

/** Bucket starts of a range ending at `now` (the last bucket holds `now`). */
export function bucketStarts(range: OverviewRange, now: number): { since: number; bucketMs: number; starts: number[] } {
  const { spanMs, bucketMs } = RANGES[range];
  const end = Math.floor(now / bucketMs) * bucketMs + bucketMs;
  const since = end - spanMs;
  const starts = Array.from({ length: spanMs / bucketMs }, (_, i) => since + i * bucketMs);
  return { since, bucketMs, starts };
}

/** One count per bucket from (kind, bucket, n) rows. */
export function seriesOf(rows: readonly { kind: string; bucket: number; n: number }[], kind: string, buckets: number): number[] {
  const out = new Array<number>(buckets).fill(0);
  for (const row of rows) if (row.kind === kind && row.bucket >= 0 && row.bucket < buckets) out[row.bucket]! += row.n;
  return out;
}

/** Events waiting at each bucket's end (created by then, not yet delivered or given up). */
export function backlogSeries(spans: readonly { created_at: number; ended_at: number | null }[], starts: readonly number[], bucketMs: number): number[] {
  return starts.map((start) => {
    const at = start + bucketMs;
    return spans.filter((s) => s.created_at <= at && (s.ended_at === null || s.ended_at > at)).length;
  });
}

/** What the catalogue says about a code: who acts, in plain words, and the next step. */
export function nextStep(code: string): { actor: string; message: string; action: string } {
  const entry = (ERROR_CATALOGUE as Record<string, (typeof ERROR_CATALOGUE)[ErrorCode] | undefined>)[code];
  return entry
    ? { actor: entry.actor, message: entry.message, action: entry.action }
    : { actor: "operator", message: `Error code ${code}.`, action: "See docs/reference/errors.md and the connection's operation log." };
}

export const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
