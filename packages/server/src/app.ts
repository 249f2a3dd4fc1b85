import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import express, { type Express, type RequestHandler } from "express";
import type { Logger } from "pino";
import type { Services } from "./composition.js";
import type { Config } from "./config.js";
import { AppError } from "./errors.js";
import { errorHandler } from "./http/errorHandler.js";
import { httpTracing } from "./http/httpTracing.js";
import { metricsRoute } from "./http/metricsEndpoint.js";
import { rateLimits } from "./http/rateLimits.js";
import { requestLogger } from "./http/requestLogger.js";
import { requireSecretKey } from "./http/requireSecretKey.js";
import { securityHeaders } from "./http/securityHeaders.js";
import { proxyRoutes } from "./proxy/proxyRoutes.js";
import { accountsRoutes } from "./routes/accountsRoutes.js";
import { actionsRoutes } from "./routes/actionsRoutes.js";
import { adminConsentRoutes } from "./routes/adminConsentRoutes.js";
import { mountConnectionReads } from "./routes/connectionReads.js";
import { connectionsRoutes } from "./routes/connectionsRoutes.js";
import { connectSessionsRoutes } from "./routes/connectSessionsRoutes.js";
import { consoleRoutes } from "./routes/consoleRoutes.js";
import { healthRoutes } from "./routes/healthRoutes.js";
import { integrationsRoutes } from "./routes/integrationsRoutes.js";
import { logsRoutes } from "./routes/logsRoutes.js";
import { oauthRoutes } from "./routes/oauthRoutes.js";
import { openapiRoutes } from "./routes/openapiRoutes.js";
import { syncRoutes } from "./routes/syncRoutes.js";
import { webhooksRoutes } from "./routes/webhooksRoutes.js";
import { widgetRoutes } from "./routes/widgetRoutes.js";
import { NO_TELEMETRY, type Telemetry } from "./telemetry/startTelemetry.js";

export interface AppDeps {
  config: Config;
  logger: Logger;
  services: Services;
  /** The OpenTelemetry SDK's parts the app serves (HTTP server spans, `/metrics`); none by default. */
  telemetry?: Telemetry;
}

/** Builds the Express app from its parts; listening is the caller's business. */
export function createApp(deps: AppDeps): Express {
  return buildApp(deps).app;
}

/**
 * The server's request listener: the token and status reads' fast path (routes/connectionReads.ts),
 * then the Express app for everything it leaves.
 */
export function createRequestListener(deps: AppDeps): RequestListener {
  const { app, fastPath } = buildApp(deps);
  return (req, res) => {
    if (!fastPath(req, res)) app(req, res);
  };
}

export function buildApp({ config, logger, services, telemetry = NO_TELEMETRY }: AppDeps): {
  app: Express;
  fastPath: (req: IncomingMessage, res: ServerResponse) => boolean;
} {
  const { sessions, connections, flow, outbox, integrationStatus, adminConsent, health, accountSync, records, proxy } = services;
  const secretKey = requireSecretKey(services.secretKeys);

  const app = express();
  app.disable("x-powered-by");
  // Paths match as written: the rate limits and security headers compare them case-sensitively, so
  // a route answering `/OAUTH/…` too would get another rate-limit bucket and a page without its CSP
  // nonce. Every Router is made case-sensitive as well (an option of its own, not inherited).
  app.set("case sensitive routing", true);
  // No ETag: token reads and pages are `no-store`, so hashing every JSON body would only offer
  // conditional requests nobody makes, at a cost on each read.
  app.disable("etag");
  // Who the client is (req.ip, for per-IP rate limits) behind the proxies TRUST_PROXY names.
  app.set("trust proxy", config.trustProxy);
  const middleware = {
    requestLog: requestLogger(logger, app.request),
    securityHeaders: securityHeaders(config),
    rateLimits: rateLimits({ config, logger, secretKeys: services.secretKeys, shared: services.rateLimitCounter, pageStrings: services.pageStrings }),
    secretKeys: services.secretKeys,
  };
  if (telemetry.tracing) app.use(httpTracing());
  app.use(middleware.requestLog);
  app.use(middleware.securityHeaders);
  app.use(middleware.rateLimits);
  // Scrapes with METRICS_KEY, ahead of the API's secret key; on METRICS_PORT instead when that is set.
  if (config.metrics.enabled && config.metrics.port === null) {
    const scrape = metricsRoute(config, telemetry);
    app.get("/metrics", scrape);
    if (config.basePath) app.get(`${config.basePath}/metrics`, scrape);
  }
  const json = express.json({ limit: "100kb" });
  // A request without a body (no Content-Length, no Transfer-Encoding: every GET the API gets) is
  // skipped here at once, as the parser itself would skip it after some work.
  const jsonBody: RequestHandler = (req, res, next) =>
    req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined ? next() : json(req, res, next);
  // The token and status reads (the hot path) as the first routes, before the proxy's router and
  // the other routers, with what those have in front of them (a body parsed as JSON, the key); the
  // same handler's fast path, which `createRequestListener` runs ahead of Express, comes back.
  const fastPath = mountConnectionReads(app, {
    connections,
    basePath: config.basePath,
    before: [jsonBody, secretKey],
    logger,
    middleware,
    outage: services.databaseOutage,
  });
  // The proxy reads (bounded) and forwards bodies itself: before the app-wide JSON parser.
  const proxyRouter = proxyRoutes(proxy, secretKey, config.proxy.maxRequestBytes);
  if (config.basePath) app.use(config.basePath, proxyRouter);
  app.use(proxyRouter);
  app.use(jsonBody);

  const routes = express.Router({ caseSensitive: true });
  // The accounts routes add /connections/:id/sync after the connection routes.
  routes.use(connectionsRoutes(connections, secretKey));
  routes.use(healthRoutes(health));
  routes.use(openapiRoutes(config.publicUrl));
  routes.use(connectSessionsRoutes(sessions, secretKey, config.allowedOrigins));
  routes.use(widgetRoutes(flow, config.allowedOrigins));
  routes.use(accountsRoutes({ sync: accountSync, records, syncs: services.syncs }, secretKey));
  routes.use(syncRoutes(services.syncs, secretKey));
  routes.use(webhooksRoutes(outbox, secretKey));
  routes.use(actionsRoutes(services.actions, secretKey));
  routes.use(integrationsRoutes(integrationStatus, secretKey));
  routes.use(logsRoutes(services.operationQueries, secretKey));
  routes.use(
    oauthRoutes(flow, {
      secureCookies: config.publicUrl.startsWith("https:"),
      publicUrl: config.publicUrl,
      basePath: config.basePath,
      pageStrings: services.pageStrings,
    }),
  );
  routes.use(
    consoleRoutes(services.consoleAuth, services.console, {
      secureCookies: config.publicUrl.startsWith("https:"),
      basePath: config.basePath,
      publicUrl: config.publicUrl,
    }),
  );
  routes.use(adminConsentRoutes(adminConsent, services.pageStrings, config.publicUrl.startsWith("https:"), config.basePath));
  // With a path prefix in PUBLIC_URL, the routes answer under it and at the root, so a reverse
  // proxy may pass the prefix on or strip it.
  if (config.basePath) app.use(config.basePath, routes);
  app.use(routes);
  app.use((req) => {
    throw new AppError("not_found", `No route for ${req.method} ${req.path}`, 404);
  });
  app.use(errorHandler(logger, services.databaseOutage));
  return { app, fastPath };
}
