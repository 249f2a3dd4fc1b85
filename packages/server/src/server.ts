import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Kysely } from "kysely";
import type { DestinationStream, Logger } from "pino";
import { createApp } from "./app.js";
import { loadConfig, type Config } from "./config.js";
import { createLogger } from "./logger.js";
import { createEntraClient } from "./oauth/entraClient.js";
import { createDatabase } from "./store/createDatabase.js";
import type { Database } from "./store/schema.js";
import { startRefreshAheadJob, type RefreshAheadJob } from "./jobs/refreshAheadJob.js";
import { createServices, type Services } from "./services/createServices.js";

export interface RunningServer {
  url: string;
  config: Config;
  logger: Logger;
  services: Services;
  /** The open database (tests read rows directly; the app only goes through the services). */
  db: Kysely<Database>;
  refreshAhead: RefreshAheadJob;
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
  const bootLog = createLogger(env.LOG_LEVEL ?? "info", logDestination);
  const server: Server = createServer();
  const port = Number(env.PORT ?? 3003);
  const host = env.HOST ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number.isFinite(port) ? port : 3003, host, () => resolve());
  });
  try {
    const actualPort = (server.address() as AddressInfo).port;
    const config = loadConfig({ ...env, PORT: String(actualPort), PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${actualPort}` }, (m) =>
      bootLog.warn(m),
    );
    const logger = createLogger(config.logLevel, logDestination);
    const db = await createDatabase({
      url: config.databaseUrl,
      file: config.databaseFile,
      poolSize: config.databasePool.size,
      connectTimeoutMs: config.databasePool.connectTimeoutMs,
      statementTimeoutMs: config.databasePool.statementTimeoutMs,
    });
    const entra = createEntraClient(config.microsoft);
    const services = createServices({ config, db, entra, logger });
    server.on("request", createApp({ config, logger, services }));
    services.outbox.start();
    const refreshAhead = startRefreshAheadJob({ config, db, refresher: services.refresher, logger });
    if (!config.webhookUrl) logger.warn("WEBHOOK_URL not set: no webhooks are sent");
    // Discover the default tenant now so a wrong setup shows at boot; requests retry it if this fails.
    entra.configuration(config.microsoft.tenant).then(
      () => logger.info({ tenant: config.microsoft.tenant }, "Microsoft Entra discovery succeeded"),
      (err: unknown) => logger.error({ err }, "Microsoft Entra discovery failed; sign-ins will retry it"),
    );
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${actualPort}`;
    logger.info({ url, publicUrl: config.publicUrl }, "ads-connect listening");
    return {
      url: config.publicUrl,
      config,
      logger,
      services,
      db,
      refreshAhead,
      async close() {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await refreshAhead.stop();
        await services.outbox.stop();
        await db.destroy();
      },
    };
  } catch (err) {
    server.close();
    throw err;
  }
}
