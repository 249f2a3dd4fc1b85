import { randomUUID } from "node:crypto";
import { type AdAccount, CAMPAIGN_PERFORMANCE_DAILY_SYNC_NAME, CAMPAIGNS_SYNC_NAME, PROVIDER_CONFIG_KEY, type SyncWebhookBody } from "@ads-connect/shared";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { NoTokenBudget } from "../connections/refreshFailures.js";
import type { TokenBudget } from "../connections/tokenBudget.js";
import { AppError } from "../errors.js";
import { campaignsOfAccount, toCampaign } from "../msads/campaignManagement.js";
import { MsAdsError } from "../msads/MsAdsError.js";
import type { MsAdsClient } from "../msads/msadsClient.js";
import { dailyPerformance } from "../msads/performanceReport.js";
import type { ReportDownloadOptions } from "../msads/reportDownload.js";
import type { Operation } from "../oplog/operation.js";
import type { OperationLog } from "../oplog/operationLog.js";
import type { DatabaseOutage } from "../store/databaseOutage.js";
import type { Stores, TransactionStores } from "../store/stores.js";
import type { SyncScheduleRow } from "../store/syncScheduleStore.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseJson } from "../util/parseJson.js";
import { syncWebhook } from "../webhooks/syncWebhook.js";
import type { WebhookOutbox } from "../webhooks/webhookOutbox.js";
import { addDays, chunks, todayIn } from "./accountDays.js";
import { addCounts, applyRecords, noCounts, type RecordCounts, retireRecords } from "./applyRecords.js";
import { defaultFrequencySeconds, MODEL_OF, type SyncName } from "./syncDefinitions.js";

/** How long a claim on a run lasts without progress; each unit of work renews it. */
export const SYNC_LEASE_MS = 5 * 60_000;
/** Microsoft's reports: a year of days at a time. */
const REPORT_CHUNK_DAYS = 365;
const REPORT_TIMEOUT_MS = 10 * 60_000;
/** After a failure other than a hold, the next try comes after this (or the sync's frequency, if sooner). */
const RETRY_AFTER_FAILURE_MS = 15 * 60_000;

/** A run's progress, kept in the schedule row so a run cut by a hold (117) or a crash resumes where it was. */
interface RunState {
  startedAt: number;
  syncType: "INITIAL" | "INCREMENTAL";
  /** Units of work finished: an account (campaigns) or an account's report range (performance). */
  done: string[];
  counts: RecordCounts;
  /** Performance: each account's range, fixed when the run first reached the account. */
  ranges: Record<string, { start: string; end: string }>;
}

export type RunOutcome = "done" | "held" | "failed" | "lost";

/**
 * Runs one sync for one connection (the caller holds its lease): reads every selected account
 * through the one Microsoft Advertising client (its token, its 109 refresh and 117 holds), writes
 * the records a unit at a time, and at the end sends one `sync` webhook for the model when anything
 * changed. A hold (117/429) keeps the run's progress and reschedules it for when the hold ends: the
 * resumed run skips the units done and reports the whole run's counts once. The token refreshes a
 * run needs are background work: they take from the app's token request budget (TokenBudget) like
 * refresh-ahead's, and a run the budget or Entra's throttling refuses is postponed the same way.
 */
export class SyncRunner {
  private readonly now: Clock;

  constructor(
    private readonly deps: {
      config: Config;
      stores: Stores;
      client: MsAdsClient;
      outbox: WebhookOutbox;
      budget: TokenBudget;
      reportDownload: ReportDownloadOptions;
      logger: Logger;
      /** The operation log: each run is a `sync/run` operation with its persisted results. */
      operations?: OperationLog | undefined;
      now?: Clock;
      /** Told of failures, so an unreachable database is logged once per outage. */
      outage?: DatabaseOutage | undefined;
    },
  ) {
    this.now = deps.now ?? systemClock;
  }

  private frequencyMs(row: SyncScheduleRow): number {
    return (row.frequency_seconds ?? defaultFrequencySeconds(this.deps.config, row.sync_name as SyncName)) * 1000;
  }

  /** The next due time after a run: the frequency plus up to a tenth of it (at most 5 minutes) of jitter, so connections spread. */
  nextDue(row: SyncScheduleRow, from: number): number {
    const freq = this.frequencyMs(row);
    return from + freq + Math.floor(Math.random() * Math.min(freq / 10, 300_000));
  }

  async run(row: SyncScheduleRow, holder: string): Promise<RunOutcome> {
    const { stores } = this.deps;
    const name = row.sync_name as SyncName;
    const model = MODEL_OF[name];
    const connectionId = row.connection_id;
    // Entra is throttling the app: a run would need tokens; wait with the others.
    const throttled = await this.deps.budget.throttledUntil();
    if (throttled !== null) {
      await stores.syncSchedules.updateHeld(connectionId, name, holder, { due_at: throttled, lease_until: null, lease_holder: null });
      return "held";
    }
    const t = this.now();
    const state: RunState = row.run_state
      ? parseJson<RunState>(row.run_state)
      : { startedAt: t, syncType: row.initial_done && !row.reset_requested ? "INCREMENTAL" : "INITIAL", done: [], counts: noCounts(), ranges: {} };
    const op = this.deps.operations?.start({
      type: "sync",
      action: "run",
      connectionId,
      integration: PROVIDER_CONFIG_KEY,
      meta: { syncName: name, syncType: state.syncType, resumed: row.run_state !== null },
    });
    const save = () =>
      stores.syncSchedules.updateHeld(
        connectionId,
        name,
        holder,
        {
          status: "RUNNING",
          run_started_at: state.startedAt,
          run_state: JSON.stringify(state),
        },
        SYNC_LEASE_MS,
      );
    if (!(await save())) return "lost";
    try {
      const accounts = await this.selectedAccounts(connectionId);
      for (const account of accounts) {
        const ok =
          name === CAMPAIGNS_SYNC_NAME
            ? await this.campaignsOf(account, connectionId, model, state, save)
            : await this.performanceOf(account, row, connectionId, model, state, save);
        if (!ok) return "lost";
      }
    } catch (err) {
      if (err instanceof NoTokenBudget) return this.postponed(row, holder, state, err, op);
      return this.stopped(row, holder, state, err, op);
    }
    const finished = this.now();
    const ended = await stores.transaction(async (tx) => {
      // The selection as it is at the end (locked until commit on PostgreSQL, see selectionForSync):
      // records of accounts no longer selected, or gone, are deleted and counted with this run's.
      const kept = await this.accountsToKeep(tx, connectionId);
      if (kept === undefined) return false;
      if (!(await tx.syncSchedules.updateHeld(connectionId, name, holder, {}, SYNC_LEASE_MS))) return false;
      const retired = await retireRecords(tx.syncRecords, { connectionId, model, accountIds: kept, now: finished });
      state.counts = addCounts(state.counts, { ...noCounts(), deleted: retired });
      const results = { added: state.counts.added, updated: state.counts.updated, deleted: state.counts.deleted };
      const ok = await tx.syncSchedules.updateHeld(connectionId, name, holder, {
        status: "SUCCESS",
        initial_done: 1,
        reset_requested: 0,
        run_state: null,
        run_started_at: null,
        last_finished_at: finished,
        last_result: JSON.stringify({ [model]: results }),
        last_error: null,
        due_at: this.nextDue(row, finished),
        lease_until: null,
        lease_holder: null,
        ...(name === CAMPAIGN_PERFORMANCE_DAILY_SYNC_NAME ? { covered_until: latestEnd(state) ?? row.covered_until } : {}),
      });
      if (ok && results.added + results.updated + results.deleted > 0)
        await this.deps.outbox.enqueue(
          syncWebhook({
            connectionId,
            syncName: name,
            model: model as SyncWebhookBody["model"],
            syncType: state.syncType,
            modifiedAfter: state.startedAt,
            results,
          }),
          tx.webhooks,
        );
      return ok;
    });
    if (!ended) return "lost";
    if (name === CAMPAIGN_PERFORMANCE_DAILY_SYNC_NAME && this.deps.config.syncs.retentionDays > 0)
      await stores.syncRecords.deleteOlderThan(model, addDays(todayIn(null, finished), -this.deps.config.syncs.retentionDays));
    op?.persistResults({ model, ...state.counts });
    op?.succeed();
    this.deps.logger.info({ connectionId, sync: name, syncType: state.syncType, ...state.counts }, "sync run finished");
    return "done";
  }

  /** The connection's selected accounts that are still active (all active ones when nothing was selected). */
  private async selectedAccounts(connectionId: string): Promise<AdAccount[]> {
    const active = await this.deps.stores.adAccounts.active(connectionId);
    const stored = await this.deps.stores.connections.selectedAccountIds(connectionId);
    if (stored === undefined) throw new AppError("not_found", `No connection with id "${connectionId}"`, 404);
    return selectedAmong(active, stored);
  }

  /** Ids of the accounts whose records stay live, read in the run's last transaction; undefined when the connection is gone. */
  private async accountsToKeep(tx: TransactionStores, connectionId: string): Promise<string[] | undefined> {
    const stored = await tx.schedule.selectionForSync(connectionId);
    if (stored === undefined) return undefined;
    return selectedAmong(await tx.adAccounts.active(connectionId), stored).map((a) => a.id);
  }

  private async campaignsOf(account: AdAccount, connectionId: string, model: string, state: RunState, save: () => Promise<boolean>): Promise<boolean> {
    if (state.done.includes(account.id)) return true;
    const fetched = await campaignsOfAccount(this.deps.client, { id: account.id, customerId: account.customer_id }, { connectionId, background: true });
    const owner = { id: account.id, customerId: account.customer_id, currency: account.currency };
    const campaigns = fetched.map((c) => toCampaign(c, owner));
    const live = campaigns.filter((c) => c.status !== "Deleted");
    const liveIds = new Set(live.map((c) => c.id));
    const counts = await this.deps.stores.transaction(async (tx) => {
      const stored = await tx.syncRecords.liveIds(connectionId, model, account.id);
      // Gone from the answer, or answered as Deleted: a deleted record (kept, marked).
      const deleteIds = stored.filter((id) => !liveIds.has(id));
      return applyRecords(tx.syncRecords, { connectionId, model, accountId: account.id, records: live, deleteIds, now: this.now() });
    });
    state.counts = addCounts(state.counts, counts);
    state.done.push(account.id);
    return save();
  }

  private async performanceOf(
    account: AdAccount,
    row: SyncScheduleRow,
    connectionId: string,
    model: string,
    state: RunState,
    save: () => Promise<boolean>,
  ): Promise<boolean> {
    const { config } = this.deps;
    let range = state.ranges[account.id];
    if (!range) {
      const today = todayIn(account.time_zone, state.startedAt);
      const backfillStart = addDays(today, -(config.syncs.backfillDays - 1));
      let start = state.syncType === "INITIAL" ? backfillStart : addDays(today, -(config.syncs.lookbackDays - 1));
      // A long pause: read from the day after the last one covered, back to the backfill at most.
      const resumeFrom = row.covered_until ? addDays(row.covered_until, 1) : null;
      if (state.syncType === "INCREMENTAL" && resumeFrom !== null && resumeFrom < start) start = [resumeFrom, backfillStart].sort()[1]!;
      range = { start, end: today };
      state.ranges[account.id] = range;
      if (!(await save())) return false;
    }
    for (const chunk of chunks(range.start, range.end, REPORT_CHUNK_DAYS)) {
      const unit = `${account.id}@${chunk.start}`;
      if (state.done.includes(unit)) continue;
      const batches = dailyPerformance(
        this.deps.client,
        { accountId: account.id, customerId: account.customer_id, timeZone: account.time_zone, currency: account.currency, ...chunk },
        { connectionId, background: true },
        this.deps.reportDownload,
        REPORT_TIMEOUT_MS,
      );
      for await (const batch of batches) {
        const counts = await this.deps.stores.transaction((tx) =>
          applyRecords(tx.syncRecords, { connectionId, model, accountId: account.id, records: batch, now: this.now() }),
        );
        state.counts = addCounts(state.counts, counts);
      }
      state.done.push(unit);
      if (!(await save())) return false;
    }
    return true;
  }

  /** A run cut short: a hold keeps its progress for when the hold ends; another failure is recorded and retried later. */
  private async stopped(row: SyncScheduleRow, holder: string, state: RunState, err: unknown, op: Operation | undefined): Promise<RunOutcome> {
    const { stores, logger } = this.deps;
    const t = this.now();
    const code = err instanceof AppError || err instanceof MsAdsError ? err.code : "internal_error";
    const message = err instanceof AppError || err instanceof MsAdsError ? err.message : "The sync failed unexpectedly";
    if (!(err instanceof AppError) && !(err instanceof MsAdsError) && !this.deps.outage?.noted(err))
      logger.error({ err, connectionId: row.connection_id, sync: row.sync_name }, "sync run failed unexpectedly");
    const lastError = JSON.stringify({ code, message, at: new Date(t).toISOString() });
    if (err instanceof AppError && err.code === "not_found") {
      op?.fail(err);
      return "lost";
    }
    if (err instanceof AppError && err.code === "msads_rate_limited") {
      // Microsoft's window (or its Retry-After) must pass; the same run resumes then.
      const until = t + Math.max(1, err.retryAfterSeconds ?? 60) * 1000;
      await stores.syncSchedules.updateHeld(row.connection_id, row.sync_name, holder, {
        status: "RUNNING",
        run_state: JSON.stringify(state),
        last_error: lastError,
        due_at: until,
        lease_until: null,
        lease_holder: null,
      });
      op?.log("warn", "Microsoft Advertising is holding this customer's calls (117/429): the run resumes when the hold ends", {
        until: new Date(until).toISOString(),
      });
      logger.warn({ connectionId: row.connection_id, sync: row.sync_name, until }, "sync run held by Microsoft's call rate; it resumes after the hold");
      return "held";
    }
    await stores.syncSchedules.updateHeld(row.connection_id, row.sync_name, holder, {
      status: "ERROR",
      run_state: null,
      run_started_at: null,
      last_finished_at: t,
      last_error: lastError,
      due_at: t + Math.min(this.frequencyMs(row), RETRY_AFTER_FAILURE_MS),
      lease_until: null,
      lease_holder: null,
    });
    op?.fail(err);
    logger.warn({ connectionId: row.connection_id, sync: row.sync_name, code }, "sync run failed; it is tried again later");
    return "failed";
  }

  /** Not an error: the run waits for the budget's next window (or Entra's throttling to end), its progress kept. */
  private async postponed(row: SyncScheduleRow, holder: string, state: RunState, err: NoTokenBudget, op: Operation | undefined): Promise<RunOutcome> {
    // The run began by marking itself RUNNING: with nothing done yet the row goes back to how it was.
    const progressed = row.run_state !== null || state.done.length > 0;
    await this.deps.stores.syncSchedules.updateHeld(row.connection_id, row.sync_name, holder, {
      ...(progressed
        ? { status: "RUNNING", run_state: JSON.stringify(state) }
        : { status: row.status, run_state: row.run_state, run_started_at: row.run_started_at }),
      due_at: err.retryAt,
      lease_until: null,
      lease_holder: null,
    });
    op?.log("info", `Postponed: ${err.message}; the run starts again when the token request budget has room`, { until: new Date(err.retryAt).toISOString() });
    op?.end("cancelled");
    this.deps.logger.debug(
      { connectionId: row.connection_id, sync: row.sync_name, until: err.retryAt },
      "sync run postponed: token request budget spent or Entra throttling",
    );
    return "held";
  }
}

function selectedAmong(active: AdAccount[], stored: string | null): AdAccount[] {
  const selected = stored ? new Set(parseJson<string[]>(stored)) : null;
  return selected ? active.filter((a) => selected.has(a.id)) : active;
}

function latestEnd(state: RunState): string | null {
  const ends = Object.values(state.ranges).map((r) => r.end);
  return ends.length ? ends.sort().at(-1)! : null;
}

/** An instance's name in leases (a process's own, random). */
export const newHolder = () => randomUUID();
