import { randomBytes } from "node:crypto";
import express, { type Express } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { AppError } from "./errors.js";
import { errorHandler } from "./http/errorHandler.js";
import { requestLogger } from "./http/requestLogger.js";
import { requireSecretKey } from "./http/requireSecretKey.js";
import { adminConsentRoutes } from "./routes/adminConsentRoutes.js";
import { connectionsRoutes } from "./routes/connectionsRoutes.js";
import { healthRoutes } from "./routes/healthRoutes.js";
import { integrationsRoutes } from "./routes/integrationsRoutes.js";
import { connectSessionsRoutes } from "./routes/connectSessionsRoutes.js";
import { oauthRoutes } from "./routes/oauthRoutes.js";
import { webhooksRoutes } from "./routes/webhooksRoutes.js";
import type { Services } from "./services/createServices.js";

export interface AppDeps {
  config: Config;
  logger: Logger;
  services: Services;
}

/** Builds the Express app from its parts; listening is the caller's business. */
export function createApp({ config, logger, services }: AppDeps): Express {
  const { sessions, connections, flow, outbox, integrationStatus, adminConsent, health } = services;
  const secretKey = requireSecretKey(config.secretKey);

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  app.use(requestLogger(logger));
  app.use((_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    next();
  });
  const nonce = (_req: unknown, res: unknown) => `'nonce-${(res as express.Response).locals.cspNonce as string}'`;
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: [nonce],
          styleSrc: [nonce],
          imgSrc: ["'self'", "data:"],
          baseUri: ["'none'"],
          formAction: ["'none'"],
          frameAncestors: ["'none'"],
        },
      },
      // The popup must keep its opener to post the result back; COOP here would cut it.
      crossOriginOpenerPolicy: false,
      referrerPolicy: { policy: "no-referrer" },
    }),
  );
  app.use(express.json({ limit: "100kb" }));

  app.use(healthRoutes(health));
  app.use(connectSessionsRoutes(sessions, secretKey, config.allowedOrigins));
  app.use(connectionsRoutes(connections, secretKey));
  app.use(webhooksRoutes(outbox, secretKey));
  app.use(integrationsRoutes(integrationStatus, secretKey));
  app.use(oauthRoutes(flow, config.publicUrl.startsWith("https:")));
  app.use(adminConsentRoutes(adminConsent, config.publicUrl.startsWith("https:")));
  app.use((req) => {
    throw new AppError("not_found", `No route for ${req.method} ${req.path}`, 404);
  });
  app.use(errorHandler(logger));
  return app;
}
