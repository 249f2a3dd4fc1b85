import express, { type ErrorRequestHandler, type Express, type Response } from "express";
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
  app.use((_req, res, next) => {
    if (state.resetsPending > 0) {
      state.resetsPending--;
      cutMidBody(res);
    }
    next();
  });
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

/**
 * The answer's status, headers (with the full Content-Length) and first half of its body go out,
 * then the connection is cut: a network failure in the middle of a body. The operation's work
 * (an update) is done by then, as when Microsoft's answer is lost on the way.
 */
function cutMidBody(res: Response): void {
  res.end = ((chunk?: unknown) => {
    const body = typeof chunk === "string" || Buffer.isBuffer(chunk) ? Buffer.from(chunk) : Buffer.alloc(0);
    res.setHeader("content-length", String(Math.max(body.length, 2)));
    res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
    return res;
  }) as Response["end"];
}

function isClientError(err: unknown): boolean {
  const status = typeof err === "object" && err !== null ? (err as { status?: unknown }).status : undefined;
  return typeof status === "number" && status >= 400 && status < 500;
}
