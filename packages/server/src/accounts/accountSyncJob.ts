import type { Logger } from "pino";
import type { Config } from "../config.js";
import { runPeriodically } from "../jobs/periodicJob.js";
import type { ConnectionScheduleStore } from "../store/connectionScheduleStore.js";
import type { DatabaseOutage } from "../store/databaseOutage.js";
import { type AccountSync, SYNC_CLAIM_MS } from "./accountSync.js";

export interface AccountSyncJob {
  /** One pass: syncs the connections due now; resolves with how many it ran. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 50;

/**
 * Re-syncs each connected connection's accounts every ACCOUNT_SYNC_INTERVAL_SECONDS, and sooner
 * after a failure (its `retry_at`). Several instances share the work: a connection is taken with a
 * conditional UPDATE of `accounts_sync_due_at` (it must still hold the value read), so exactly one
 * instance runs it; the claim lasts SYNC_CLAIM_MS in case that instance dies. Due times and claims
 * are judged by the database's clock, so an instance whose clock runs ahead takes no live claim.
 */
export function startAccountSyncJob(deps: {
  config: Config;
  schedule: ConnectionScheduleStore;
  sync: AccountSync;
  logger: Logger;
  /** Told of failures, so an unreachable database is logged once per outage. */
  outage?: DatabaseOutage;
}): AccountSyncJob {
  const { config, schedule, sync, logger } = deps;
  const pollMs = Math.min(60_000, config.accountSync.intervalSeconds * 1000);
  async function runOnce(): Promise<number> {
    const due = await schedule.dueForAccountSync(BATCH);
    let ran = 0;
    for (const row of due) {
      if (loop.stopped()) break;
      const claimed = await schedule.claimDueAccountSync(row.connection_id, row.accounts_sync_due_at, SYNC_CLAIM_MS);
      if (!claimed) continue;
      // One at a time: bounded load on Microsoft (117 counts calls per user and customer) and the database.
      await sync.sync(row.connection_id, { trigger: "schedule" });
      ran++;
    }
    return ran;
  }

  const loop = runPeriodically({
    name: "account sync",
    enabled: config.accountSync.enabled,
    intervalMs: pollMs,
    unref: true,
    logger,
    outage: deps.outage,
    pass: runOnce,
  });
  return {
    runOnce,
    stop: () => loop.stop(),
  };
}
