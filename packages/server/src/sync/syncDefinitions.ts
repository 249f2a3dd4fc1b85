import { CAMPAIGN_MODEL, CAMPAIGN_PERFORMANCE_DAILY_MODEL, CAMPAIGN_PERFORMANCE_DAILY_SYNC_NAME, CAMPAIGNS_SYNC_NAME } from "@ads-connect/shared";
import type { Config } from "../config.js";
import { AppError } from "../errors.js";

export type SyncName = typeof CAMPAIGNS_SYNC_NAME | typeof CAMPAIGN_PERFORMANCE_DAILY_SYNC_NAME;
export const SYNC_NAMES: readonly SyncName[] = [CAMPAIGNS_SYNC_NAME, CAMPAIGN_PERFORMANCE_DAILY_SYNC_NAME];
/** Each sync keeps one model. */
export const MODEL_OF: Record<SyncName, string> = {
  [CAMPAIGNS_SYNC_NAME]: CAMPAIGN_MODEL,
  [CAMPAIGN_PERFORMANCE_DAILY_SYNC_NAME]: CAMPAIGN_PERFORMANCE_DAILY_MODEL,
};
export const SYNC_MODELS: readonly string[] = Object.values(MODEL_OF);

export const isSyncName = (name: string): name is SyncName => (SYNC_NAMES as readonly string[]).includes(name);

/** The integration's frequency of a sync, in seconds (settings). */
export function defaultFrequencySeconds(config: Config, name: SyncName): number {
  return name === CAMPAIGNS_SYNC_NAME ? config.syncs.campaignsFrequencySeconds : config.syncs.performanceFrequencySeconds;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const MIN_FREQUENCY_SECONDS = 300;
const MAX_FREQUENCY_SECONDS = 30 * 86_400;

/**
 * Nango's frequency strings: "every 2 hours", "every hour", "30 minutes", "1d", "every day".
 * At least 5 minutes (Microsoft's 117 window and the token budget), at most 30 days.
 */
export function parseFrequency(value: string): number {
  const match = /^\s*(?:every\s+)?(\d+)?\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)\s*$/i.exec(value);
  const invalid = (why: string) =>
    new AppError("invalid_body", `Invalid request body. frequency: ${why}`, 400, { details: [{ path: "frequency", message: why }] });
  if (!match) throw invalid('must be like "every 2 hours", "30 minutes" or "1d"');
  const unit = match[2]!.toLowerCase();
  const seconds = Number(match[1] ?? 1) * UNITS[unit.startsWith("mi") ? "m" : unit[0]!]!;
  if (seconds < MIN_FREQUENCY_SECONDS || seconds > MAX_FREQUENCY_SECONDS) throw invalid("must be between 5 minutes and 30 days");
  return seconds;
}

/** Seconds as Nango writes a frequency ("every 6 hours"). */
export function formatFrequency(seconds: number): string {
  for (const [unit, size] of [
    ["day", 86_400],
    ["hour", 3600],
    ["minute", 60],
  ] as const)
    if (seconds % size === 0) {
      const n = seconds / size;
      return n === 1 ? `every ${unit}` : `every ${n} ${unit}s`;
    }
  return `every ${seconds} seconds`;
}
