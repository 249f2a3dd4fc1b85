import type { Kysely } from "kysely";
import { AdAccountStore } from "./adAccountStore.js";
import { AdminConsentStore } from "./adminConsentStore.js";
import { AlertStore } from "./alertStore.js";
import { ConnectionScheduleStore } from "./connectionScheduleStore.js";
import { ConnectionStore } from "./connectionStore.js";
import { ConnectRedirectStore } from "./connectRedirectStore.js";
import { ConnectSessionStore } from "./connectSessionStore.js";
import { ConsoleStore } from "./consoleStore.js";
import { type DatabaseHandle, type Db, inTransaction } from "./db.js";
import { IntegrationEventStore } from "./integrationEventStore.js";
import { LastFetchedStore } from "./lastFetchedStore.js";
import { pendingMigrations } from "./migrations.js";
import { OAuthAttemptStore } from "./oauthAttemptStore.js";
import { OperationStore } from "./operationStore.js";
import { ProxyHoldStore } from "./proxyHoldStore.js";
import { PruneStore } from "./pruneStore.js";
import { RateLimitStore } from "./rateLimitStore.js";
import { RefreshLeaseStore } from "./refreshLeaseStore.js";
import { SecretKeyUseStore } from "./secretKeyUseStore.js";
import { SyncRecordStore } from "./syncRecordStore.js";
import { SyncScheduleStore } from "./syncScheduleStore.js";
import { TokenBudgetStore } from "./tokenBudgetStore.js";
import { WebhookOutboxStore } from "./webhookOutboxStore.js";

/**
 * The repositories whose writes go together: inside `Stores.transaction` each of them is bound to
 * the one transaction, so a change, its event and its webhook land together or not at all.
 */
export class TransactionStores {
  readonly connections: ConnectionStore;
  readonly schedule: ConnectionScheduleStore;
  readonly sessions: ConnectSessionStore;
  readonly attempts: OAuthAttemptStore;
  readonly adAccounts: AdAccountStore;
  readonly adminConsents: AdminConsentStore;
  readonly events: IntegrationEventStore;
  readonly webhooks: WebhookOutboxStore;
  readonly syncSchedules: SyncScheduleStore;
  readonly syncRecords: SyncRecordStore;
  readonly leases: RefreshLeaseStore;
  readonly holds: ProxyHoldStore;
  readonly redirects: ConnectRedirectStore;

  constructor(db: Db, connections: ConnectionStore = new ConnectionStore(db)) {
    this.connections = connections;
    this.schedule = new ConnectionScheduleStore(db);
    this.sessions = new ConnectSessionStore(db);
    this.attempts = new OAuthAttemptStore(db);
    this.adAccounts = new AdAccountStore(db);
    this.adminConsents = new AdminConsentStore(db);
    this.events = new IntegrationEventStore(db);
    this.webhooks = new WebhookOutboxStore(db);
    this.syncSchedules = new SyncScheduleStore(db);
    this.syncRecords = new SyncRecordStore(db);
    this.leases = new RefreshLeaseStore(db);
    this.holds = new ProxyHoldStore(db);
    this.redirects = new ConnectRedirectStore(db);
  }
}

/**
 * Every repository, each built once over the database (composition.ts makes one `Stores` and hands
 * services the repositories they use). Nothing outside `store/` holds the database itself.
 */
export class Stores extends TransactionStores {
  readonly prune: PruneStore;
  readonly tokenBudget: TokenBudgetStore;
  readonly alerts: AlertStore;
  readonly rateLimits: RateLimitStore;
  /** The operator console's sign-ins and reads. */
  readonly console: ConsoleStore;
  /** On the bookkeeping connection when there is one (SQLite: writes that need no fsync). */
  readonly lastFetched: LastFetchedStore;
  /** On the bookkeeping connection when there is one. */
  readonly secretKeyUses: SecretKeyUseStore;
  /** The operation log, written in batches by oplog/; on the bookkeeping connection when there is one (a flush waiting out a lock never holds the app's connection). */
  readonly operations: OperationStore;

  constructor(
    private readonly db: DatabaseHandle,
    options: { bookkeepingDb?: DatabaseHandle | undefined } = {},
  ) {
    super(db);
    this.prune = new PruneStore(db);
    this.tokenBudget = new TokenBudgetStore(db);
    this.alerts = new AlertStore(db);
    this.rateLimits = new RateLimitStore(db);
    this.console = new ConsoleStore(db);
    this.lastFetched = new LastFetchedStore(options.bookkeepingDb ?? db);
    this.secretKeyUses = new SecretKeyUseStore(options.bookkeepingDb ?? db);
    this.operations = new OperationStore(options.bookkeepingDb ?? db);
  }

  /** Runs `fn` in one transaction, with the repositories bound to it: committed when `fn` resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: TransactionStores) => Promise<T>): Promise<T> {
    return inTransaction(this.db, (trx) => fn(new TransactionStores(trx, this.connections.inTransaction(trx))));
  }

  /** Migrations not yet applied to the database (the readiness check). */
  pendingMigrations(): Promise<string[]> {
    return pendingMigrations(this.db as Kysely<unknown>);
  }
}
