import type { AccountsError, AdAccount } from "@ads-connect/shared";
import { PostgresAdapter, type Kysely } from "kysely";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { AppError } from "../errors.js";
import { queryUser, searchAccountsOfUser, toAdAccount } from "../msads/customerManagement.js";
import type { MsAdsClient } from "../msads/msadsClient.js";
import { MsAdsError } from "../msads/MsAdsError.js";
import { parseJson } from "../util/parseJson.js";
import type { Database } from "../store/schema.js";
import type { WebhookOutbox } from "../webhooks/webhookOutbox.js";
import { applyAccountSync, type SyncCounts } from "./applyAccountSync.js";
import { publicAccountsError, toAccountsError, type StoredAccountsError } from "../connections/accountsError.js";
import { syncWebhook } from "./syncWebhook.js";
import { systemClock, type Clock } from "../util/clock.js";

export type SyncRun =
  | { ok: true; results: SyncCounts; removedSelectedAccountIds: string[] }
  | { ok: false; error: AccountsError }
  /** The connection no longer exists. */
  | { ok: false; error: null };

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
  private readonly lockRows: boolean;

  private readonly now: Clock;

  constructor(
    private readonly deps: {
      config: Config;
      db: Kysely<Database>;
      client: MsAdsClient;
      outbox: WebhookOutbox;
      logger: Logger;
      now?: Clock;
    },
  ) {
    this.now = deps.now ?? systemClock;
    this.lockRows = deps.db.getExecutor().adapter instanceof PostgresAdapter;
  }

  private get intervalMs(): number {
    return this.deps.config.accountSync.intervalSeconds * 1000;
  }

  /**
   * Right after a connect or reconnect stored the connection: claims the connection from the sync
   * job, then discovers within CONNECT_DISCOVERY_TIMEOUT_MS. Never throws: the connect succeeded
   * whatever happens here.
   */
  async discoverAfterConnect(connectionId: string): Promise<SyncRun> {
    try {
      await this.deps.db.updateTable("connections").set({ accounts_sync_due_at: this.now() + SYNC_CLAIM_MS }).where("connection_id", "=", connectionId).execute();
      // The connect's auth webhook reports the new connection (with the accounts chosen), so its
      // first discovery sends no sync webhook; later syncs that change anything do.
      return await this.discover(connectionId, { timeoutMs: CONNECT_DISCOVERY_TIMEOUT_MS, announceInitial: false });
    } catch (err) {
      this.deps.logger.error({ err, connectionId }, "account discovery after connect failed");
      return { ok: false, error: null };
    }
  }

  /** Discovers (or re-syncs) the connection's accounts now. Microsoft's failures are recorded and returned, not thrown. */
  async discover(connectionId: string, options: { timeoutMs?: number; announceInitial?: boolean } = {}): Promise<SyncRun> {
    const signal = AbortSignal.timeout(options.timeoutMs ?? 120_000);
    let fetched: { userId: string; accounts: AdAccount[] };
    try {
      this.refuseEmulatorTokens();
      fetched = await this.fetch(connectionId, signal);
    } catch (err) {
      if (err instanceof AppError && err.code === "not_found") return { ok: false, error: null };
      if (!(err instanceof MsAdsError) && !(err instanceof AppError)) this.deps.logger.error({ err, connectionId }, "account sync failed unexpectedly");
      return this.recordFailure(connectionId, err);
    }
    return this.write(connectionId, fetched, options.announceInitial ?? true);
  }

  /** The same as discover: one code path for discovery and every later sync. */
  sync(connectionId: string, options: { timeoutMs?: number } = {}): Promise<SyncRun> {
    return this.discover(connectionId, options);
  }

  /**
   * Sign-in through the Entra emulator gives tokens only the Microsoft Advertising emulator knows:
   * without MICROSOFT_ADS_API_URL they would go to Microsoft, pointlessly. Said plainly instead.
   */
  private refuseEmulatorTokens(): void {
    const { microsoft } = this.deps.config;
    if (microsoft.emulatorUrl && !microsoft.adsApiUrl) {
      throw new MsAdsError("not_configured", "Sign-in uses the Entra emulator (ENTRA_EMULATOR_URL) but MICROSOFT_ADS_API_URL is not set: the emulator's tokens mean nothing to Microsoft Advertising, so no call was made. Start the Microsoft Advertising emulator (npx msads-emulator) and set MICROSOFT_ADS_API_URL to its URL.");
    }
  }

  /**
   * The user and all their accounts, through the one client: the connection's token (refreshed once
   * on 109), its hold after 117/429 honoured and set, the answer's size bounded.
   */
  private async fetch(connectionId: string, signal: AbortSignal): Promise<{ userId: string; accounts: AdAccount[] }> {
    const { client } = this.deps;
    const context = { connectionId, signal };
    const user = await queryUser(client, context);
    const accounts = await searchAccountsOfUser(client, user.User.Id, context);
    return { userId: user.User.Id, accounts: accounts.map(toAdAccount) };
  }

  private async write(connectionId: string, fetched: { userId: string; accounts: AdAccount[] }, announceInitial: boolean): Promise<SyncRun> {
    const now = this.now();
    const outcome = await this.deps.db.transaction().execute(async (trx) => {
      // The connection row's lock serializes runs for one connection (job, on demand, connect), so
      // each compares against what the previous one wrote and cursors stay increasing.
      const row = await trx
        .selectFrom("connections")
        .select(["accounts_synced_at", "selected_account_ids"])
        .where("connection_id", "=", connectionId)
        .$if(this.lockRows, (q) => q.forUpdate())
        .executeTakeFirst();
      if (!row) return null;
      const applied = await applyAccountSync(trx, connectionId, fetched.accounts, now);
      await trx
        .updateTable("connections")
        .set({ ms_user_id: fetched.userId, accounts_synced_at: now, accounts_error: null, accounts_sync_due_at: now + this.intervalMs })
        .where("connection_id", "=", connectionId)
        .execute();
      const selected = row.selected_account_ids ? parseJson<string[]>(row.selected_account_ids) : [];
      const removedSelectedAccountIds = applied.removed.filter((id) => selected.includes(id));
      const results = { added: applied.added, updated: applied.updated, deleted: applied.deleted };
      const syncType = row.accounts_synced_at === null ? "INITIAL" : "INCREMENTAL";
      if (results.added + results.updated + results.deleted > 0 && (syncType === "INCREMENTAL" || announceInitial)) {
        await this.deps.outbox.enqueue(syncWebhook({ connectionId, syncType, modifiedAfter: now, results, removedSelectedAccountIds }), trx);
      }
      return { results, removedSelectedAccountIds };
    });
    if (!outcome) return { ok: false, error: null };
    this.deps.logger.info({ connectionId, accounts: fetched.accounts.length, ...outcome.results }, "Microsoft Advertising accounts synced");
    return { ok: true, ...outcome };
  }

  private async recordFailure(connectionId: string, err: unknown): Promise<SyncRun> {
    const row = await this.deps.db.selectFrom("connections").select("accounts_error").where("connection_id", "=", connectionId).executeTakeFirst();
    if (!row) return { ok: false, error: null };
    const previous = row.accounts_error ? parseJson<StoredAccountsError>(row.accounts_error) : null;
    const stored = toAccountsError(err, this.now(), previous?.failures ?? 0, this.intervalMs);
    await this.deps.db
      .updateTable("connections")
      .set({ accounts_error: JSON.stringify(stored), accounts_sync_due_at: Date.parse(stored.retry_at!) })
      .where("connection_id", "=", connectionId)
      .execute();
    // Codes only: no tokens, no personal data.
    this.deps.logger.warn({ connectionId, code: stored.code, msadsCodes: stored.msads_codes, trackingId: stored.tracking_id, retryAt: stored.retry_at }, "Microsoft Advertising account sync failed; the connection is kept");
    return { ok: false, error: publicAccountsError(stored)! };
  }
}
