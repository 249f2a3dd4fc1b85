import type { Logger } from "pino";
import type { Config } from "../config.js";
import { AppError } from "../errors.js";
import { runPeriodically } from "../jobs/periodicJob.js";
import type { ConnectionScheduleStore } from "../store/connectionScheduleStore.js";
import type { ConnectionRow } from "../store/connectionStore.js";
import type { DatabaseOutage } from "../store/databaseOutage.js";
import { type Clock, systemClock } from "../util/clock.js";
import type { LastFetchedRecorder } from "./lastFetchedRecorder.js";
import type { TokenRefresher } from "./tokenRefresher.js";

export interface RefreshAheadJob {
  /** One pass: refreshes what is due now; resolves with how many connections it refreshed. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/** Connections one pass looks at, of each kind (the token budget usually stops it sooner). */
const BATCH = 500;

/**
 * Keeps connections usable at a cost that grows with use, not with size:
 * - connections read recently (`last_fetched_at` within REFRESH_ACTIVE_WINDOW_SECONDS) get their
 *   access token refreshed shortly before it expires, so their readers rarely wait for Microsoft;
 * - every other connection gets one keep-alive refresh per REFRESH_IDLE_AFTER_SECONDS, at its own
 *   `keepalive_due_at` (spread when written), well before Entra drops refresh tokens unused for
 *   90 days; its next read refreshes on demand;
 * - all of it within the app's token request budget shared by every instance (TokenBudget), and
 *   paused while Entra throttles; due connections are worked through a few at a time.
 */
export function startRefreshAheadJob(deps: {
  config: Config;
  schedule: ConnectionScheduleStore;
  refresher: TokenRefresher;
  logger: Logger;
  /** This instance's reads recorded in memory, written before each pass so the pass sees them. */
  lastFetched?: LastFetchedRecorder;
  now?: Clock;
  /** Told of failures, so an unreachable database is logged once per outage. */
  outage?: DatabaseOutage;
}): RefreshAheadJob {
  const { config, schedule, refresher, logger } = deps;
  const now = deps.now ?? systemClock;
  const intervalMs = config.refreshAhead.intervalSeconds * 1000;
  async function dueConnections(t: number): Promise<{ row: ConnectionRow; reason: "ahead" | "idle" }[]> {
    // Due before the next pass could catch it: within the served-token margin plus one interval.
    const expiringBefore = t + config.tokenMinValiditySeconds * 1000 + intervalMs * 1.5;
    const readSince = t - config.refreshAhead.activeWindowSeconds * 1000;
    const idleSince = t - config.refreshAhead.touchIdleAfterSeconds * 1000;
    const ahead = await schedule.expiringAndRead(expiringBefore, readSince, BATCH);
    const idle = await schedule.keepaliveDue(t, idleSince, BATCH);
    const seen = new Set(ahead.map((row) => row.connection_id));
    return [
      ...ahead.map((row) => ({ row, reason: "ahead" as const })),
      ...idle.filter((row) => !seen.has(row.connection_id)).map((row) => ({ row, reason: "idle" as const })),
    ];
  }

  async function runOnce(): Promise<number> {
    await deps.lastFetched?.flush();
    const t = now();
    const due = await dueConnections(t);
    let refreshed = 0;
    let next = 0;
    let spent = false;
    // A few at a time: every instance's pass reads the same due list; a connection another
    // instance is refreshing now is skipped, not waited for; the shared budget bounds the total.
    const worker = async () => {
      while (!loop.stopped() && !spent && next < due.length) {
        const { row, reason } = due[next++]!;
        try {
          const outcome = await refresher.refreshUnlessBusy(row, reason);
          if (outcome === "refreshed") refreshed++;
          else if (outcome === "no_budget") spent = true;
        } catch (err) {
          // The refresher recorded and reported what Microsoft said; say here that the pass moved on
          // (codes only: no tokens, no personal data).
          const code = err instanceof AppError ? err.code : err instanceof Error ? err.name : "unknown";
          logger.warn({ connectionId: row.connection_id, reason, code }, "refresh-ahead could not refresh a connection");
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(config.refreshAhead.concurrency, due.length) }, worker));
    if (spent && next < due.length)
      logger.info({ refreshed, left: due.length - next }, "refresh-ahead pass stopped: token request budget spent or Entra throttling");
    return refreshed;
  }

  const loop = runPeriodically({ name: "refresh-ahead", enabled: config.refreshAhead.enabled, intervalMs, logger, outage: deps.outage, pass: runOnce });
  return {
    runOnce,
    stop: () => loop.stop(),
  };
}
