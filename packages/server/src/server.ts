import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino, { type DestinationStream, type Logger } from "pino";
import { type AccountSyncJob, startAccountSyncJob } from "./accounts/accountSyncJob.js";
import { createRequestListener } from "./app.js";
import { createServices, type Services } from "./composition.js";
import { type Config, loadConfig } from "./config.js";
import { CALLBACK_DEADLINE_MS } from "./connect/signInFailures.js";
import { type RefreshAheadJob, startRefreshAheadJob } from "./connections/refreshAheadJob.js";
import { startMetricsServer } from "./http/metricsEndpoint.js";
import { type PruneJob, startPruneJob } from "./jobs/pruneJob.js";
import { trackHttpRequests } from "./lifecycle/httpDrain.js";
import { createLogger } from "./logger.js";
import { createEntraClient } from "./oauth/entraClient.js";
import { createDatabase, databasePoolUsage, dialectOf, openBookkeepingDatabase } from "./store/createDatabase.js";
import type { DatabaseHandle } from "./store/db.js";
import { type SyncJob, startSyncJob } from "./sync/syncJob.js";
import { observeInstance } from "./telemetry/metrics.js";
import { NO_TELEMETRY, startTelemetry, type Telemetry } from "./telemetry/startTelemetry.js";

export interface RunningServer {
  url: string;
  /** Where this instance itself listens (differs from `url` when PUBLIC_URL points at a load balancer in front). */
  address: string;
  config: Config;
  logger: Logger;
  services: Services;
  /** The open database (tests read rows directly; the app only goes through the services). */
  db: DatabaseHandle;
  refreshAhead: RefreshAheadJob;
  prune: PruneJob;
  /** Re-syncs connections' Microsoft Advertising accounts on ACCOUNT_SYNC_INTERVAL_SECONDS. */
  accountSyncJob: AccountSyncJob;
  /** OpenTelemetry's SDK when OTEL_* (or METRICS_ENABLED) loaded it; `flush()` exports what is pending. */
  telemetry: Telemetry;
  /** Where `/metrics` is served on METRICS_PORT; null when it is not (off, or on the server's own port). */
  metricsUrl: string | null;
  /** Runs the campaign and daily performance syncs when due (issue 29). */
  syncJob: SyncJob;
  /**
   * Graceful stop: refuses new connections, lets requests in flight and the current job passes
   * finish within SHUTDOWN_TIMEOUT_SECONDS, drops what is left, gives sign-ins left unfinished a
   * `server_restarting` result, then closes the database.
   */
  close(): Promise<void>;
}

export interface StartOptions {
  env: Record<string, string | undefined>;
  /** Where log lines go (default stdout). */
  logDestination?: DestinationStream;
}

/**
 * Reads the configuration, opens the database and listens. With `PORT=0` the real port is known
 * only after listening, so the public URL defaults to it then (what tests use).
 */
export async function startAdsConnect({ env, logDestination }: StartOptions): Promise<RunningServer> {
  // Standard output written asynchronously (a write in flight batches the lines that follow it),
  // not one synchronous write per line on the request path; flushed when the server stops, and
  // by pino when the process exits.
  const destination = logDestination ?? pino.destination({ dest: 1, sync: false });
  const bootLog = createLogger(env.LOG_LEVEL ?? "info", destination);
  const server: Server = createServer();
  const drain = trackHttpRequests(server);
  const port = Number(env.PORT ?? 3003);
  const host = env.HOST ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number.isFinite(port) ? port : 3003, host, () => resolve());
  });
  try {
    const actualPort = (server.address() as AddressInfo).port;
    const config = loadConfig({ ...env, PORT: String(actualPort), PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${actualPort}` }, (m) => bootLog.warn(m));
    const logger = createLogger(config.logLevel, destination);
    // Before anything makes instruments: without OTEL_* settings nothing is imported here.
    const telemetry = await startTelemetry({ env, prometheus: config.metrics.enabled, logger });
    let checkpointWarnedAt = 0;
    const db = await createDatabase({
      url: config.databaseUrl,
      file: config.databaseFile,
      poolSize: config.databasePool.size,
      connectTimeoutMs: config.databasePool.connectTimeoutMs,
      statementTimeoutMs: config.databasePool.statementTimeoutMs,
      // SQLite: WAL checkpoints on a worker thread, not in a request's commit.
      backgroundCheckpoints: true,
      onCheckpointError: (result) => {
        if (Date.now() - checkpointWarnedAt < 60_000) return;
        checkpointWarnedAt = Date.now();
        logger.warn({ checkpoint: result }, "SQLite WAL checkpoint failed; retrying every second (warned at most once a minute)");
      },
    });
    // SQLite: `last_fetched_at` written through a connection of its own that does not fsync.
    const bookkeepingDb = dialectOf({ url: config.databaseUrl }) === "sqlite" ? openBookkeepingDatabase(config.databaseFile) : undefined;
    const entra = createEntraClient(config.microsoft);
    const services = createServices({ config, db, entra, logger, ...(bookkeepingDb ? { bookkeepingDb } : {}) });
    // Sign-ins a crashed process left unfinished get their result now, and those too recent to
    // tell (another process may still be finishing them) once the callback deadline has passed.
    const sweep = async () => {
      const swept = await services.flow.sweepInterrupted().catch((err: unknown) => {
        logger.error({ err }, "could not check for sign-ins interrupted by an earlier stop");
        return 0;
      });
      if (swept > 0) logger.warn({ attempts: swept }, "sign-ins interrupted by an earlier stop got a sign_in_interrupted result");
    };
    await sweep();
    const sweepAgain = setTimeout(() => void sweep(), CALLBACK_DEADLINE_MS);
    sweepAgain.unref();
    // ACTIONS_DIR's modules before the first request; a bad one is logged and listed, not fatal.
    await services.actions.load(config.actionsDir);
    server.on("request", createRequestListener({ config, logger, services, telemetry }));
    const stopObserving =
      telemetry === NO_TELEMETRY
        ? () => {}
        : observeInstance({
            holdsActive: () => services.stores.holds.countActive(Date.now()),
            webhookBacklog: async () => {
              const { pending, oldestCreatedAt } = await services.stores.webhooks.backlog();
              return { pending, oldestAgeSeconds: oldestCreatedAt === null ? 0 : Math.max(0, (Date.now() - oldestCreatedAt) / 1000) };
            },
            databasePool: () => databasePoolUsage(db),
          });
    const metricsServer = config.metrics.enabled && config.metrics.port !== null ? await startMetricsServer(config, telemetry) : null;
    services.connectionChanges?.start();
    services.outbox.start();
    services.lastFetched.start();
    services.keyUses.start();
    services.operations.startFlushing();
    const refreshAhead = startRefreshAheadJob({
      config,
      schedule: services.stores.schedule,
      refresher: services.refresher,
      logger,
      lastFetched: services.lastFetched,
      outage: services.databaseOutage,
    });
    const prune = startPruneJob({ config, store: services.stores.prune, operations: services.stores.operations, logger, outage: services.databaseOutage });
    const accountSyncJob = startAccountSyncJob({
      config,
      schedule: services.stores.schedule,
      sync: services.accountSync,
      logger,
      outage: services.databaseOutage,
    });
    const syncJob = startSyncJob({ config, schedules: services.stores.syncSchedules, runner: services.syncRunner, logger, outage: services.databaseOutage });
    services.syncWaker.wake = () => syncJob.wake();
    if (!config.webhookUrl) logger.warn("WEBHOOK_URL not set: no webhooks are sent");
    // Discover the default tenant now so a wrong setup shows at boot; requests retry it if this fails.
    entra.configuration(config.microsoft.tenant).then(
      () => logger.info({ tenant: config.microsoft.tenant }, "Microsoft Entra discovery succeeded"),
      (err: unknown) => logger.error({ err }, "Microsoft Entra discovery failed; sign-ins will retry it"),
    );
    let closing: Promise<void> | undefined;
    const shutDown = async () => {
      clearTimeout(sweepAgain);
      const timeoutMs = config.shutdownTimeoutSeconds * 1000;
      logger.info({ timeoutSeconds: config.shutdownTimeoutSeconds }, "shutting down: finishing requests in flight and job passes");
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      // The reads recorded in memory are written once the requests in flight have finished.
      const work = Promise.all([
        drain.finish().then(() => Promise.all([services.lastFetched.stop(), services.keyUses.stop(), services.rateLimitCounter?.stop()])),
        refreshAhead.stop(),
        prune.stop(),
        accountSyncJob.stop(),
        syncJob.stop(),
        services.outbox.stop(),
      ])
        // Last: what the requests and job passes recorded until they finished.
        .then(() => services.operations.stop())
        .then(() => true as const);
      const inTime = await Promise.race([work, deadline]);
      clearTimeout(timer);
      if (!inTime) {
        logger.warn({ timeoutSeconds: config.shutdownTimeoutSeconds }, "shutdown deadline reached: dropping the connections still open");
        drain.abort();
      }
      const unfinished = await services.flow.failUnfinished();
      if (unfinished > 0) logger.warn({ attempts: unfinished }, "sign-ins left unfinished by the shutdown got a server_restarting result");
      await services.connectionChanges?.stop();
      // The last export (and its gauges' queries) before the database closes.
      await metricsServer?.close();
      stopObserving();
      await telemetry.shutdown();
      services.databaseOutage.stop();
      await bookkeepingDb?.destroy();
      await db.destroy();
      logger.info("shut down");
      await flushLog(logger);
    };
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${actualPort}`;
    logger.info({ url, publicUrl: config.publicUrl }, "ads-connect listening");
    return {
      url: config.publicUrl,
      address: `http://${host === "0.0.0.0" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host}:${actualPort}`,
      config,
      logger,
      services,
      db,
      refreshAhead,
      prune,
      accountSyncJob,
      telemetry,
      metricsUrl: metricsServer?.url ?? null,
      syncJob,
      close() {
        closing ??= shutDown();
        return closing;
      },
    };
  } catch (err) {
    server.close();
    throw err;
  }
}

/** Waits (a second at most) until the log lines written so far have reached the destination. */
function flushLog(logger: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000);
    timer.unref();
    logger.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
