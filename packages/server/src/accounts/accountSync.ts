import { ACCOUNTS_SYNC_NAME, type AccountsError, AD_ACCOUNT_MODEL, type AdAccount, PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { publicAccountsError, type StoredAccountsError, toAccountsError } from "../connections/accountsError.js";
import { AppError } from "../errors.js";
import { queryUser, searchAccountsOfUser, toAdAccount } from "../msads/customerManagement.js";
import { MsAdsError } from "../msads/MsAdsError.js";
import type { MsAdsClient } from "../msads/msadsClient.js";
import type { Operation } from "../oplog/operation.js";
import { OperationLog } from "../oplog/operationLog.js";
import type { DatabaseOutage } from "../store/databaseOutage.js";
import type { Stores } from "../store/stores.js";
import { recordSyncRun } from "../telemetry/metrics.js";
import { inSpan, operationAttributes, recordFailure } from "../telemetry/tracing.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseJson } from "../util/parseJson.js";
import { syncWebhook } from "../webhooks/syncWebhook.js";
import type { WebhookOutbox } from "../webhooks/webhookOutbox.js";
import { applyAccountSync, type SyncCounts } from "./applyAccountSync.js";

export type SyncRun =
  | { ok: true; results: SyncCounts; removedSelectedAccountIds: string[] }
  | { ok: false; error: AccountsError }
  /** The connection no longer exists. */
  | { ok: false; error: null };

export interface SyncOptions {
  timeoutMs?: number;
  announceInitial?: boolean;
  /** The operation the run is a step of (the connect attempt's); else it is a `sync/run` operation of its own. */
  op?: Operation | undefined;
  /** What started the run (the operation's `meta.trigger`): `schedule`, `request`, `connect`, `picker`. */
  trigger?: string;
}

/** How long discovery may hold up the popup after a connect; past it, the sync job finishes the work. */
export const CONNECT_DISCOVERY_TIMEOUT_MS = 20_000;
/** A sync run's claim on a connection (the job); a process dying mid-run frees it after this. */
export const SYNC_CLAIM_MS = 5 * 60_000;

/**
 * Discovery and sync of a connection's Microsoft Advertising accounts: one code path. `User/Query`,
 * then `Accounts/Search` (UserId predicate, every page), validated and mapped to AdAccount, then
 * compared with what is stored (ADDED / UPDATED / DELETED) and written with a `sync` webhook when
 * anything changed. A failure never touches the connection's status: it is stored as
 * `accounts_error` with a retry time the sync job honours.
 */
export class AccountSync {
  private readonly now: Clock;

  constructor(
    private readonly deps: {
      config: Config;
      /** The connections' sync columns, their accounts, and the transaction a sync writes in. */
      stores: Stores;
      client: MsAdsClient;
      outbox: WebhookOutbox;
      logger: Logger;
      now?: Clock;
      /** Each run is a `sync/run` operation (or steps of the connect attempt's, for the discovery after a connect). */
      operations?: OperationLog;
      /** Told of failures, so an unreachable database is logged once per outage. */
      outage?: DatabaseOutage | undefined;
    },
  ) {
    this.now = deps.now ?? systemClock;
    this.operations = deps.operations ?? OperationLog.disabled();
  }

  private readonly operations: OperationLog;

  private get intervalMs(): number {
    return this.deps.config.accountSync.intervalSeconds * 1000;
  }

  /**
   * Right after a connect or reconnect stored the connection: claims the connection from the sync
   * job, then discovers within CONNECT_DISCOVERY_TIMEOUT_MS. Never throws: the connect succeeded
   * whatever happens here.
   */
  async discoverAfterConnect(connectionId: string, op?: Operation): Promise<SyncRun> {
    try {
      await this.deps.stores.schedule.claimAccountSync(connectionId, SYNC_CLAIM_MS);
      // The connect's auth webhook reports the new connection (with the accounts chosen), so its
      // first discovery sends no sync webhook; later syncs that change anything do.
      return await this.discover(connectionId, { timeoutMs: CONNECT_DISCOVERY_TIMEOUT_MS, announceInitial: false, op, trigger: "connect" });
    } catch (err) {
      if (!this.deps.outage?.noted(err)) this.deps.logger.error({ err, connectionId }, "account discovery after connect failed");
      return { ok: false, error: null };
    }
  }

  /** Discovers (or re-syncs) the connection's accounts now. Microsoft's failures are recorded and returned, not thrown. */
  async discover(connectionId: string, options: SyncOptions = {}): Promise<SyncRun> {
    const attributes = {
      ...operationAttributes({ type: "sync", action: "run", connectionId, integration: PROVIDER_CONFIG_KEY }),
      "ads_connect.sync.model": "accounts",
    };
    return inSpan("ads_connect sync run", { attributes }, async (span) => {
      const started = performance.now();
      const run = await this.discoverNow(connectionId, options);
      const code = run.ok ? null : (run.error?.code ?? "not_found");
      if (code) recordFailure(span, { code });
      recordSyncRun("accounts", run.ok ? "success" : "failure", (performance.now() - started) / 1000, code);
      return run;
    });
  }

  private async discoverNow(connectionId: string, options: SyncOptions): Promise<SyncRun> {
    // The discovery after a connect is a step of the connect attempt; any other run is a `sync/run` operation.
    const op =
      options.op ??
      this.operations.start({
        type: "sync",
        action: "run",
        connectionId,
        integration: PROVIDER_CONFIG_KEY,
        meta: { syncName: ACCOUNTS_SYNC_NAME, trigger: options.trigger ?? "request" },
      });
    if (options.op) op.log("info", "Discovering the Microsoft Advertising accounts");
    const run = await this.run(connectionId, options, op);
    if (run.ok) {
      if (!options.op) op.succeed();
    } else if (run.error) {
      if (options.op) op.log("warn", `Account discovery failed (${run.error.code}); the sync job retries it`);
      else op.fail({ code: run.error.code, message: run.error.message });
    } else if (!options.op) op.fail(new AppError("not_found", `No connection with id "${connectionId}"`, 404));
    return run;
  }

  private async run(connectionId: string, options: SyncOptions, op: Operation): Promise<SyncRun> {
    const signal = AbortSignal.timeout(options.timeoutMs ?? 120_000);
    let fetched: { userId: string; accounts: AdAccount[] };
    try {
      this.refuseEmulatorTokens();
      fetched = await this.fetch(connectionId, signal, op);
    } catch (err) {
      if (err instanceof AppError && err.code === "not_found") return { ok: false, error: null };
      if (!(err instanceof MsAdsError) && !(err instanceof AppError) && !this.deps.outage?.noted(err))
        this.deps.logger.error({ err, connectionId }, "account sync failed unexpectedly");
      return this.recordFailure(connectionId, err);
    }
    const run = await this.write(connectionId, fetched, options.announceInitial ?? true);
    if (run.ok) {
      const { added, updated, deleted } = run.results;
      op.persistResults({ model: AD_ACCOUNT_MODEL, added, updated, deleted, unchanged: Math.max(0, fetched.accounts.length - added - updated) });
    }
    return run;
  }

  /** The same as discover: one code path for discovery and every later sync. */
  sync(connectionId: string, options: SyncOptions = {}): Promise<SyncRun> {
    return this.discover(connectionId, options);
  }

  /**
   * Sign-in through the Entra emulator gives tokens only the Microsoft Advertising emulator knows:
   * without MICROSOFT_ADS_API_URL they would go to Microsoft, pointlessly. Said plainly instead.
   */
  private refuseEmulatorTokens(): void {
    const { microsoft } = this.deps.config;
    if (microsoft.emulatorUrl && !microsoft.adsApiUrl) {
      throw new MsAdsError(
        "not_configured",
        "Sign-in uses the Entra emulator (ENTRA_EMULATOR_URL) but MICROSOFT_ADS_API_URL is not set: the emulator's tokens mean nothing to Microsoft Advertising, so no call was made. Start the Microsoft Advertising emulator (npx msads-emulator) and set MICROSOFT_ADS_API_URL to its URL.",
      );
    }
  }

  /**
   * The user and all their accounts, through the one client: the connection's token (refreshed once
   * on 109), its hold after 117/429 honoured and set, the answer's size bounded.
   */
  private async fetch(connectionId: string, signal: AbortSignal, op: Operation): Promise<{ userId: string; accounts: AdAccount[] }> {
    const { client } = this.deps;
    const context = { connectionId, signal, op };
    const user = await queryUser(client, context);
    const accounts = await searchAccountsOfUser(client, user.User.Id, context);
    return { userId: user.User.Id, accounts: accounts.map(toAdAccount) };
  }

  private async write(connectionId: string, fetched: { userId: string; accounts: AdAccount[] }, announceInitial: boolean): Promise<SyncRun> {
    const now = this.now();
    const outcome = await this.deps.stores.transaction(async (tx) => {
      // The connection row's lock serializes runs for one connection (job, on demand, connect), so
      // each compares against what the previous one wrote and cursors stay increasing.
      const row = await tx.schedule.accountSyncState(connectionId);
      if (!row) return null;
      const applied = await applyAccountSync(tx.adAccounts, connectionId, fetched.accounts, now);
      await tx.schedule.recordAccountsSynced(connectionId, { msUserId: fetched.userId, at: now, dueInMs: this.intervalMs });
      const selected = row.selected_account_ids ? parseJson<string[]>(row.selected_account_ids) : [];
      const removedSelectedAccountIds = applied.removed.filter((id) => selected.includes(id));
      const results = { added: applied.added, updated: applied.updated, deleted: applied.deleted };
      const syncType = row.accounts_synced_at === null ? "INITIAL" : "INCREMENTAL";
      if (results.added + results.updated + results.deleted > 0 && (syncType === "INCREMENTAL" || announceInitial)) {
        await this.deps.outbox.enqueue(
          syncWebhook({
            connectionId,
            syncName: ACCOUNTS_SYNC_NAME,
            model: AD_ACCOUNT_MODEL,
            syncType,
            modifiedAfter: now,
            results,
            removedSelectedAccountIds,
          }),
          tx.webhooks,
        );
      }
      return { results, removedSelectedAccountIds };
    });
    if (!outcome) return { ok: false, error: null };
    this.deps.logger.info({ connectionId, accounts: fetched.accounts.length, ...outcome.results }, "Microsoft Advertising accounts synced");
    return { ok: true, ...outcome };
  }

  private async recordFailure(connectionId: string, err: unknown): Promise<SyncRun> {
    const accountsError = await this.deps.stores.schedule.accountsError(connectionId);
    if (accountsError === undefined) return { ok: false, error: null };
    const previous = accountsError ? parseJson<StoredAccountsError>(accountsError) : null;
    const now = this.now();
    const stored = toAccountsError(err, now, previous?.failures ?? 0, this.intervalMs);
    await this.deps.stores.schedule.recordAccountsError(connectionId, JSON.stringify(stored), Date.parse(stored.retry_at!) - now);
    // Codes only: no tokens, no personal data.
    this.deps.logger.warn(
      { connectionId, code: stored.code, msadsCodes: stored.msads_codes, trackingId: stored.tracking_id, retryAt: stored.retry_at },
      "Microsoft Advertising account sync failed; the connection is kept",
    );
    return { ok: false, error: publicAccountsError(stored)! };
  }
}
