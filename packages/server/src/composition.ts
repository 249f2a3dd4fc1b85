import { PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import type { Logger } from "pino";
import { AccountSync } from "./accounts/accountSync.js";
import { RecordsService } from "./accounts/recordsService.js";
import { proxyActionProxy } from "./actions/actionProxy.js";
import { ActionService } from "./actions/actionService.js";
import { AdminConsentService } from "./admin/adminConsentService.js";
import { type Alerter, createSlackAlerter } from "./alerts/slackAlerter.js";
import type { Config } from "./config.js";
import { AccountPickerService } from "./connect/accountPickerService.js";
import { ConnectFlowService } from "./connect/connectFlowService.js";
import { ConnectSessionService } from "./connect/connectSessionService.js";
import { loadPageCatalogues, type PageCatalogues } from "./connect/pages/strings/pageStrings.js";
import { ConnectionService } from "./connections/connectionService.js";
import { LastFetchedRecorder } from "./connections/lastFetchedRecorder.js";
import { TokenBudget } from "./connections/tokenBudget.js";
import { TokenRefresher } from "./connections/tokenRefresher.js";
import { ConsoleAuth } from "./console/consoleAuth.js";
import { consoleOperations } from "./console/consoleOperations.js";
import { ConsoleService } from "./console/consoleService.js";
import { HealthService } from "./http/healthService.js";
import { SharedRateLimitCounter } from "./http/sharedRateLimitCounter.js";
import { IntegrationStatusService } from "./integration/integrationStatusService.js";
import { KeyUseRecorder } from "./integration/keyUseRecorder.js";
import { MsAdsClient } from "./msads/msadsClient.js";
import type { EntraClient } from "./oauth/entraClient.js";
import { sessionTenantCheck } from "./oauth/sessionTenantCheck.js";
import { OperationLog } from "./oplog/operationLog.js";
import { OperationQueries } from "./oplog/operationQueries.js";
import { ProxyService } from "./proxy/proxyService.js";
import { ConnectionChangeFeed } from "./store/connectionChanges.js";
import type { ConnectionStore } from "./store/connectionStore.js";
import { dialectOf } from "./store/createDatabase.js";
import { DatabaseOutage } from "./store/databaseOutage.js";
import type { DatabaseHandle } from "./store/db.js";
import { Stores } from "./store/stores.js";
import { SyncRunner } from "./sync/syncRunner.js";
import { SyncService } from "./sync/syncService.js";
import { SecretKeys } from "./tokens/secretKeys.js";
import { TokenCipher } from "./tokens/tokenCipher.js";
import type { Clock } from "./util/clock.js";
import { createWebhookOutbox, type WebhookOutbox } from "./webhooks/webhookOutbox.js";

export interface Services {
  /** Every repository, built once over the database; the jobs get theirs from here too. */
  stores: Stores;
  /** Logs an unreachable database once per outage (requests and jobs tell it of their failures). */
  databaseOutage: DatabaseOutage;
  sessions: ConnectSessionService;
  connections: ConnectionService;
  flow: ConnectFlowService;
  /** Every page's texts in every language, the product team's overrides included. */
  pageStrings: PageCatalogues;
  refresher: TokenRefresher;
  outbox: WebhookOutbox;
  alerter: Alerter;
  connectionStore: ConnectionStore;
  cipher: TokenCipher;
  integrationStatus: IntegrationStatusService;
  adminConsent: AdminConsentService;
  health: HealthService;
  /** The Microsoft Advertising API client (the one place that calls it). */
  msads: MsAdsClient;
  accountSync: AccountSync;
  records: RecordsService;
  picker: AccountPickerService;
  /** Pre-built and ACTIONS_DIR actions (POST /action/trigger). */
  actions: ActionService;
  /** The credential-injecting proxy to Microsoft Advertising (`/proxy/*`, actions). */
  proxy: ProxyService;
  /** Token reads' `last_fetched_at`, written in batches (started by the server, flushed before refresh-ahead passes). */
  lastFetched: LastFetchedRecorder;
  /** The valid API secret keys, checked by every API route and the rate limits, with their use. */
  secretKeys: SecretKeys;
  /** Writes the keys' use (counted in memory) every few seconds (started by the server). */
  keyUses: KeyUseRecorder;
  /** The operator console's sign-in (CONSOLE_OPERATOR_KEY) and its reads and actions. */
  consoleAuth: ConsoleAuth;
  console: ConsoleService;
  /** Rate-limit counts shared by every instance on PostgreSQL, flushed in batches (stopped by the server); null on SQLite (one process: counted in memory). */
  rateLimitCounter: SharedRateLimitCounter | null;
  /** PostgreSQL: which connection rows every instance changes (started and stopped by the server); null on SQLite. */
  connectionChanges: ConnectionChangeFeed | null;
  /** Runs one campaign or performance sync for one connection (the sync job calls it). */
  syncRunner: SyncRunner;
  /** The campaign syncs' API: records, trigger, pause/start, status, frequency. */
  syncs: SyncService;
  /** Wakes the sync job after a trigger (the server sets `wake` once the job runs). */
  syncWaker: { wake: () => void };
  /** The operation log's recorder (`operations.start(...)`), written in batches (started and stopped by the server). */
  operations: OperationLog;
  /** The logs API's reads (`GET /logs/operations`). */
  operationQueries: OperationQueries;
}

/** Wires the services once; the app's routes and the background jobs share them. */
/** `now` is the clock of token bookkeeping (refreshes, reads, the token budget); a simulation passes a fake one. */
/** `bookkeepingDb`, when given, is where `last_fetched_at` is written (a SQLite connection that does not fsync; see openBookkeepingDatabase). */
export function createServices({
  config,
  db,
  entra,
  logger,
  now,
  bookkeepingDb,
}: {
  config: Config;
  db: DatabaseHandle;
  entra: EntraClient;
  logger: Logger;
  now?: Clock;
  bookkeepingDb?: DatabaseHandle;
}): Services {
  const stores = new Stores(db, { bookkeepingDb });
  const databaseOutage = new DatabaseOutage(db, logger);
  const operations = new OperationLog(stores.operations, logger, { outage: databaseOutage, ...(now ? { now } : {}) });
  const cipher = new TokenCipher(config.encryptionKeys);
  const connectionStore = stores.connections;
  const outbox = createWebhookOutbox({
    operations,
    store: stores.webhooks,
    url: config.webhookUrl,
    signingKey: config.webhookSigningKey,
    logger,
    outage: databaseOutage,
    ...config.webhookDelivery,
  });
  const alerter = createSlackAlerter({ store: stores.alerts, url: config.slack.webhookUrl, dedupSeconds: config.slack.dedupSeconds, logger });
  const budget = new TokenBudget(stores.tokenBudget, config.tokenRequestsPerMinute, now);
  const refresher = new TokenRefresher({ config, stores, cipher, entra, outbox, alerter, logger, budget, operations, ...(now ? { now } : {}) });
  const sessions = new ConnectSessionService(config, stores.sessions, connectionStore, Date.now, sessionTenantCheck(entra, logger));
  const lastFetched = new LastFetchedRecorder(stores.lastFetched, logger, databaseOutage);
  const connectionChanges =
    config.databaseUrl && dialectOf({ url: config.databaseUrl }) === "postgres" && config.tokenReadCacheSeconds > 0
      ? new ConnectionChangeFeed({
          url: config.databaseUrl,
          connectTimeoutMs: config.databasePool.connectTimeoutMs,
          // As the pool's queries: a fence that hangs fails, and reads go to the database.
          queryTimeoutMs: config.databasePool.statementTimeoutMs + 1000,
          logger,
        })
      : null;
  const connections = new ConnectionService({
    config,
    stores,
    cipher,
    refresher,
    outbox,
    logger,
    lastFetched,
    changes: connectionChanges ?? undefined,
    ...(now ? { now } : {}),
  });
  const adminConsent = new AdminConsentService({ config, stores, logger, entra, operations });
  const msads = new MsAdsClient({
    environment: config.microsoft.adsEnvironment,
    developerToken: config.microsoft.adsDeveloperToken,
    apiUrl: config.microsoft.adsApiUrl,
    tokens: connections,
    holds: stores.holds,
    limits: config.proxy,
    logger,
    ...(now ? { now } : {}),
  });
  const accountSync = new AccountSync({ config, stores, client: msads, outbox, logger, operations, outage: databaseOutage });
  const picker = new AccountPickerService({
    config,
    stores,
    outbox,
    logger,
    refreshAccounts: (connectionId) => accountSync.discoverAfterConnect(connectionId),
    operations,
  });
  const flow = new ConnectFlowService({
    config,
    stores,
    sessions,
    connections,
    entra,
    cipher,
    outbox,
    adminConsent,
    accounts: accountSync,
    picker,
    logger,
    operations,
  });
  const secretKeys = new SecretKeys(config.secretKeys);
  const keyUses = new KeyUseRecorder(secretKeys, stores.secretKeyUses, logger, databaseOutage);
  const integrationStatus = new IntegrationStatusService(config, stores, keyUses);
  const health = new HealthService(stores);
  const proxy = new ProxyService({ config, stores, msads, operations });
  const reportDownload = { environment: config.microsoft.adsEnvironment, apiUrl: config.microsoft.adsApiUrl, ...config.reportDownload };
  const actions = new ActionService({ connections, proxy: proxyActionProxy(proxy), logger, reportDownload, operations });
  const syncRunner = new SyncRunner({ config, stores, client: msads, outbox, budget, reportDownload, logger, operations, outage: databaseOutage });
  const syncWaker = { wake: () => {} };
  const syncs = new SyncService({ config, stores, wake: () => syncWaker.wake() });
  const operationQueries = new OperationQueries(stores.operations, operations);
  const consoleService = new ConsoleService({
    operations: consoleOperations(operationQueries, operations, stores.console),
    store: stores.console,
    connections,
    outbox,
    integrationStatus: () => integrationStatus.status(),
    resyncAccounts: async (connectionId) => {
      const run = await accountSync.discover(connectionId);
      return run.ok ? { ok: true } : { ok: false, error: run.error };
    },
    reconnectLink: async (connectionId) => {
      const { data } = await sessions.createReconnect({ integration_id: PROVIDER_CONFIG_KEY, connection_id: connectionId });
      return { connect_link: data.connect_link, expires_at: data.expires_at };
    },
  });
  return {
    stores,
    databaseOutage,
    sessions,
    consoleAuth: new ConsoleAuth(config.console, stores.console),
    console: consoleService,
    connections,
    flow,
    pageStrings: loadPageCatalogues({ pageStringsFile: config.pageStringsFile, pickerStringsFile: config.accountPicker.stringsFile }),
    refresher,
    outbox,
    alerter,
    connectionStore,
    cipher,
    integrationStatus,
    adminConsent,
    health,
    msads,
    accountSync,
    records: new RecordsService(stores),
    picker,
    proxy,
    actions,
    lastFetched,
    secretKeys,
    keyUses,
    operations,
    operationQueries,
    rateLimitCounter:
      config.databaseUrl && config.rateLimit.store === "database"
        ? new SharedRateLimitCounter(stores.rateLimits, config.rateLimit.windowSeconds * 1000, logger, undefined, undefined, databaseOutage)
        : null,
    connectionChanges,
    syncRunner,
    syncs,
    syncWaker,
  };
}
