import express, { type ErrorRequestHandler, type Express } from "express";
import type { AdsState } from "./AdsState.js";
import type { AccessTokenLookup } from "./adsAuth.js";
import { ADS_FAULTS, AdsFault } from "./adsFaults.js";
import { campaignManagementRoutes } from "./campaignManagementRoutes.js";
import { customerManagementRoutes } from "./customerManagementRoutes.js";
import { reportingRoutes } from "./reportingRoutes.js";

/** The Microsoft Advertising emulator's HTTP surface; faults in Microsoft's shapes, never a stack trace. */
export function createMicrosoftAdsApp(state: AdsState, lookup: AccessTokenLookup): Express {
  const app = express();
  app.disable("x-powered-by");
  // Microsoft's SDKs send JSON with or without a charset; anything else is read as JSON too.
  app.use(express.json({ type: () => true, limit: "1mb" }));
  app.use(customerManagementRoutes(state, lookup));
  app.use(campaignManagementRoutes(state, lookup));
  app.use(reportingRoutes(state, lookup));
  app.use((req, res) => {
    res.status(404).json({ Message: `No HTTP resource was found that matches the request URI ${req.method} ${req.path}.` });
  });
  const onError: ErrorRequestHandler = (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const fault =
      err instanceof AdsFault
        ? err
        : isClientError(err)
          ? new AdsFault(ADS_FAULTS[100], "ApiFault", "The request body is not valid JSON.")
          : new AdsFault(ADS_FAULTS[0], "AdApiFaultDetail");
    if (!(err instanceof AdsFault) && fault.kind.code === 0) state.log(`${req.method} ${req.path} failed: ${err instanceof Error ? err.message : String(err)}`);
    state.log(`${req.method} ${req.path} → ${fault.kind.httpStatus} ${fault.kind.code} ${fault.kind.errorCode}`);
    res.status(fault.kind.httpStatus).json(fault.body());
  };
  app.use(onError);
  return app;
}

function isClientError(err: unknown): boolean {
  const status = typeof err === "object" && err !== null ? (err as { status?: unknown }).status : undefined;
  return typeof status === "number" && status >= 400 && status < 500;
}
