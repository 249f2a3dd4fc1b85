import type { RequestListener } from "node:http";
import express, { type Express } from "express";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { AppError } from "./errors.js";
import { errorHandler } from "./http/errorHandler.js";
import { fastReads, type FastReads } from "./http/fastReads.js";
import { rateLimits } from "./http/rateLimits.js";
import { requestLogger } from "./http/requestLogger.js";
import { requireSecretKey } from "./http/requireSecretKey.js";
import { securityHeaders } from "./http/securityHeaders.js";
import { accountsRoutes } from "./routes/accountsRoutes.js";
import { actionsRoutes } from "./routes/actionsRoutes.js";
import { adminConsentRoutes } from "./routes/adminConsentRoutes.js";
import { connectionReads, connectionsRoutes } from "./routes/connectionsRoutes.js";
import { healthRoutes } from "./routes/healthRoutes.js";
import { integrationsRoutes } from "./routes/integrationsRoutes.js";
import { connectSessionsRoutes } from "./routes/connectSessionsRoutes.js";
import { proxyRoutes } from "./proxy/proxyRoutes.js";
import { oauthRoutes } from "./routes/oauthRoutes.js";
import { webhooksRoutes } from "./routes/webhooksRoutes.js";
import type { Services } from "./composition.js";

export interface AppDeps {
  config: Config;
  logger: Logger;
  services: Services;
}

/** Builds the Express app from its parts; listening is the caller's business. */
export function createApp(deps: AppDeps): Express {
  return buildApp(deps).app;
}

/**
 * The server's request listener: the token and status reads answered ahead of Express when rate
 * limits are off (http/fastReads.ts: the same answers without the router's cost), everything else
 * by the Express app.
 */
export function createRequestListener(deps: AppDeps): RequestListener {
  const { app, fast } = buildApp(deps);
  if (deps.config.rateLimit.enabled) return app;
  return (req, res) => {
    if (!fast.listener(req, res)) app(req, res);
  };
}

/**
 * The Express app and the fast reads, built on the same request logger and security headers.
 * `expressRoutesOnly` (for tests comparing the two): the app without the fast reads' middleware.
 */
export function buildApp({ config, logger, services }: AppDeps, options: { expressRoutesOnly?: boolean } = {}): { app: Express; fast: FastReads } {
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
  const requestLog = requestLogger(logger, app.request);
  const headers = securityHeaders(config);
  app.use(requestLog);
  app.use(headers);
  app.use(rateLimits({ config, logger, secretKeys: services.secretKeys, store: services.rateLimitStore }));
  // The token and status reads, answered here (after the rate limits) without the routers below;
  // with rate limits off the server's listener answers them before Express (createRequestListener).
  const fast = fastReads({ basePath: config.basePath, secretKeys: services.secretKeys, reads: connectionReads(connections), logger, begin: requestLog.begin, setApiHeaders: headers.setApiHeaders });
  if (!options.expressRoutesOnly) app.use(fast.middleware);
  // The proxy reads (bounded) and forwards bodies itself: before the app-wide JSON parser.
  const proxyRouter = proxyRoutes(proxy, secretKey, config.proxy.maxRequestBytes);
  if (config.basePath) app.use(config.basePath, proxyRouter);
  app.use(proxyRouter);
  const json = express.json({ limit: "100kb" });
  // A request without a body (no Content-Length, no Transfer-Encoding: every GET the API gets) is
  // skipped here at once, as the parser itself would skip it after some work.
  app.use((req, res, next) => (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined ? next() : json(req, res, next)));

  const routes = express.Router({ caseSensitive: true });
  // The token and status reads first (the hot path); the accounts routes add /connections/:id/sync after it.
  routes.use(connectionsRoutes(connections, secretKey));
  routes.use(healthRoutes(health));
  routes.use(connectSessionsRoutes(sessions, secretKey, config.allowedOrigins));
  routes.use(accountsRoutes({ sync: accountSync, records }, secretKey));
  routes.use(webhooksRoutes(outbox, secretKey));
  routes.use(actionsRoutes(services.actions, secretKey));
  routes.use(integrationsRoutes(integrationStatus, secretKey));
  routes.use(oauthRoutes(flow, { secureCookies: config.publicUrl.startsWith("https:"), publicUrl: config.publicUrl, basePath: config.basePath }));
  routes.use(adminConsentRoutes(adminConsent, config.publicUrl.startsWith("https:"), config.basePath));
  // With a path prefix in PUBLIC_URL, the routes answer under it and at the root, so a reverse
  // proxy may pass the prefix on or strip it.
  if (config.basePath) app.use(config.basePath, routes);
  app.use(routes);
  app.use((req) => {
    throw new AppError("not_found", `No route for ${req.method} ${req.path}`, 404);
  });
  app.use(errorHandler(logger));
  return { app, fast };
}
