import express, { type ErrorRequestHandler, type Express } from "express";
import { AADSTS } from "./aadsts.js";
import { adminConsentRoutes } from "./adminConsentRoutes.js";
import { authorizeRoutes } from "./authorizeRoutes.js";
import { discoveryRoutes } from "./discoveryRoutes.js";
import type { EmulatorState } from "./EmulatorState.js";
import { EntraHttpError } from "./EntraHttpError.js";
import { entraErrorBody } from "./entraErrorBody.js";
import { tokenRoutes } from "./tokenRoutes.js";

/** The emulator's HTTP surface. Nothing a client sends can crash it or earn a stack trace. */
export function createEntraEmulatorApp(state: EmulatorState): Express {
  const app = express();
  app.disable("x-powered-by");
  // Form bodies are read as text and parsed with URLSearchParams: one value per name, no nesting.
  app.use(express.text({ type: "application/x-www-form-urlencoded", limit: "64kb" }));
  app.use(discoveryRoutes(state), authorizeRoutes(state), adminConsentRoutes(state), tokenRoutes(state));

  app.use((req, res) => {
    res.status(404).json(entraErrorBody("invalid_request", AADSTS.notFound(`${req.method} ${req.path}`)));
  });

  const onError: ErrorRequestHandler = (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof EntraHttpError) {
      state.log(`${req.method} ${req.path} → ${err.status} ${err.error} AADSTS${err.aadsts.code}`);
      res.status(err.status).set(err.headers).json(entraErrorBody(err.error, err.aadsts));
      return;
    }
    const status = httpStatusOf(err);
    state.log(`${req.method} ${req.path} → ${status}: ${err instanceof Error ? err.message : String(err)}`);
    if (status >= 500) res.status(500).json(entraErrorBody("server_error", AADSTS.serverError()));
    else res.status(status).json(entraErrorBody("invalid_request", AADSTS.malformed()));
  };
  app.use(onError);
  return app;
}

/** Body-parser and router errors carry a 4xx status; anything else is our fault. */
function httpStatusOf(err: unknown): number {
  if (typeof err === "object" && err !== null) {
    const status = (err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
    if (typeof status === "number" && status >= 400 && status < 600) return status;
  }
  return 500;
}
