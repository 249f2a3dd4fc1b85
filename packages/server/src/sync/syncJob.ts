import type { Logger } from "pino";
import type { Config } from "../config.js";
import { runPeriodically } from "../jobs/periodicJob.js";
import type { DatabaseOutage } from "../store/databaseOutage.js";
import type { SyncScheduleStore } from "../store/syncScheduleStore.js";
import { type Clock, systemClock } from "../util/clock.js";
import { SYNC_NAMES } from "./syncDefinitions.js";
import { newHolder, SYNC_LEASE_MS, type SyncRunner } from "./syncRunner.js";

export interface SyncJob {
  /** One pass: gives new connections their schedules, runs what is due; resolves with how many runs it made. */
  runOnce(): Promise<number>;
  /** A pass soon (after a trigger), unless one is running. */
  wake(): void;
  stop(): Promise<void>;
}

const BATCH = 20;

/**
 * Runs each connection's syncs when due, on every instance: a schedule is taken with a conditional
 * UPDATE (due time as read, no live lease), so exactly one instance runs it; its lease is renewed
 * as the run progresses and frees it after SYNC_LEASE_MS if the instance dies. Runs go one at a
 * time per instance: bounded load on Microsoft (117 counts calls per user and customer), the token
 * budget and the database.
 */
export function startSyncJob(deps: {
  config: Config;
  schedules: SyncScheduleStore;
  runner: SyncRunner;
  logger: Logger;
  now?: Clock;
  /** Told of failures, so an unreachable database is logged once per outage. */
  outage?: DatabaseOutage;
}): SyncJob {
  const { config, schedules, runner, logger } = deps;
  const now = deps.now ?? systemClock;
  const holder = newHolder();
  let running: Promise<number> | null = null;

  async function pass(): Promise<number> {
    await schedules.ensureForDiscoveredConnections(SYNC_NAMES, now());
    let ran = 0;
    for (;;) {
      const t = now();
      const due = await schedules.due(t, BATCH);
      let claimedAny = false;
      for (const row of due) {
        if (loop.stopped()) return ran;
        if (!(await schedules.claim(row.connection_id, row.sync_name, row.due_at, holder, SYNC_LEASE_MS))) continue;
        claimedAny = true;
        await runner.run({ ...row, lease_holder: holder }, holder);
        ran++;
      }
      if (due.length < BATCH || !claimedAny) return ran;
    }
  }

  function runOnce(): Promise<number> {
    running ??= pass().finally(() => {
      running = null;
    });
    return running;
  }

  const loop = runPeriodically({
    name: "sync",
    enabled: config.syncs.enabled,
    intervalMs: config.syncs.pollSeconds * 1000,
    unref: true,
    logger,
    outage: deps.outage,
    pass: runOnce,
  });
  return {
    runOnce,
    wake() {
      if (!config.syncs.enabled || loop.stopped()) return;
      setImmediate(() => {
        runOnce().catch((err: unknown) => {
          if (!deps.outage?.noted(err)) logger.error({ err }, "sync pass failed");
        });
      });
    },
    async stop() {
      await loop.stop();
      await running?.catch(() => {});
    },
  };
}
