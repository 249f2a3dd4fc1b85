import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { DatabaseOutage } from "../store/databaseOutage.js";
import type { OperationStore } from "../store/operationStore.js";
import type { PruneStore } from "../store/pruneStore.js";
import { type Clock, systemClock } from "../util/clock.js";
import { endAbandonedOperations, type SweepCounts } from "./operationSweep.js";
import { runPeriodically } from "./periodicJob.js";

export interface PruneCounts extends SweepCounts {
  sessions: number;
  attempts: number;
  events: number;
  webhooks: number;
  webhookAttempts: number;
  adminConsentLinks: number;
  /** Ended proxy holds (a row per Microsoft Advertising customer once throttled), and ones longer than the clamp allows. */
  proxyHolds: number;
  /** Ended rate-limit windows (PostgreSQL's shared counters). */
  rateLimitWindows: number;
  /** Operations of the operation log older than LOG_RETENTION_DAYS, and their messages. */
  operations: number;
  operationMessages: number;
  /** Expired redirect-mode sign-ins. */
  redirects: number;
}

export interface PruneJob {
  /** One pass as of `at` (default now): deletes everything past its retention, batch by batch. */
  runOnce(at?: number): Promise<PruneCounts>;
  stop(): Promise<void>;
}

const BATCH = 500;
const DAY_MS = 86_400_000;
/** The first pass comes soon after a start, so servers restarted often still prune. */
const FIRST_PASS_MAX_MS = 30_000;
/** Slack for instances' clocks before a proxy hold counts as longer than PROXY_MAX_HOLD_SECONDS allows. */
const HOLD_CLOCK_SLACK_MS = 60_000;

/**
 * Ends the operation log's operations left running (`operationSweep.ts`), then keeps the database
 * from growing without bound: expired connect sessions and their attempts,
 * finished webhooks and their delivery logs, old integration events, the operation log's old
 * operations and expired admin-consent links go once older than their retention; proxy holds once ended (or when longer than
 * PROXY_MAX_HOLD_SECONDS allows). Nothing a live sign-in or an undelivered webhook still needs is touched; connections and admin approvals are never pruned. Deletes run in bounded
 * batches, each its own short transaction, yielding in between so requests keep flowing.
 */
export function startPruneJob(deps: {
  config: Config;
  store: PruneStore;
  operations: OperationStore;
  logger: Logger;
  now?: Clock;
  outage?: DatabaseOutage;
}): PruneJob {
  const { config, logger, operations: operationStore } = deps;
  const { store } = deps;
  const now = deps.now ?? systemClock;
  const intervalMs = config.prune.intervalSeconds * 1000;
  /** Calls `step` until its batch (the first count) comes back short or the job stops, summing its counts. */
  async function drain<T extends Record<string, number>>(step: () => Promise<T>, total: T): Promise<T> {
    const sum: Record<string, number> = total;
    for (;;) {
      const counts: Record<string, number> = await step();
      for (const [key, n] of Object.entries(counts)) sum[key] = (sum[key] ?? 0) + n;
      if (loop.stopped() || (Object.values(counts)[0] ?? 0) < BATCH) return total;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async function runOnce(at = now()): Promise<PruneCounts> {
    const started = Date.now();
    const { retentionDays, webhookRetentionDays, eventRetentionDays, logRetentionDays } = config.prune;
    const cutoff = (retention: number) => at - retention * DAY_MS;
    // First, while the sessions they read are all still there: the operations nothing will end any more.
    const sweep = await endAbandonedOperations(
      operationStore,
      { attemptTtlMs: config.attemptTtlSeconds * 1000, maxRunningMs: config.prune.operationMaxRunningSeconds * 1000 },
      at,
      () => loop.stopped(),
    );
    const sessions = await drain(() => store.expiredSessions(cutoff(retentionDays), BATCH), { sessions: 0, attempts: 0 });
    const webhooks = await drain(() => store.finishedWebhooks(cutoff(webhookRetentionDays), BATCH), { webhooks: 0, webhookAttempts: 0 });
    const events = await drain(async () => ({ events: await store.oldEvents(cutoff(eventRetentionDays), BATCH) }), { events: 0 });
    const links = await drain(async () => ({ adminConsentLinks: await store.expiredAdminConsentLinks(cutoff(retentionDays), BATCH) }), {
      adminConsentLinks: 0,
    });
    const operations = await drain(() => store.oldOperations(cutoff(logRetentionDays), BATCH), { operations: 0, operationMessages: 0 });
    const counts: PruneCounts = {
      ...sweep,
      ...sessions,
      ...operations,
      ...webhooks,
      ...events,
      ...links,
      proxyHolds: await store.endedProxyHolds(at, at + config.proxy.maxHoldSeconds * 1000 + HOLD_CLOCK_SLACK_MS),
      rateLimitWindows: await store.endedRateLimitWindows(at),
      redirects: await store.expiredRedirects(at),
    };
    const deleted = Object.values(counts).reduce((a, b) => a + b, 0);
    logger[deleted > 0 ? "info" : "debug"]({ ...counts, ms: Date.now() - started }, "pruned old records");
    return counts;
  }

  const loop = runPeriodically({
    name: "prune",
    enabled: config.prune.enabled,
    intervalMs,
    firstDelayMs: Math.min(intervalMs, FIRST_PASS_MAX_MS),
    logger,
    outage: deps.outage,
    pass: () => runOnce(),
  });
  return {
    runOnce,
    stop: () => loop.stop(),
  };
}
