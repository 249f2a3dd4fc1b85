import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RequestHandler } from "express";
import type { Config } from "../config.js";
import { AppError } from "../errors.js";
import type { Telemetry } from "../telemetry/startTelemetry.js";
import { secretsEqual } from "../tokens/secureToken.js";
import { bearerToken } from "./bearerToken.js";

/** METRICS_KEY, when set, as `Authorization: Bearer …` (compared in constant time); a refusal as an AppError. */
function checkKey(config: Config, req: IncomingMessage): void {
  const key = config.metrics.key;
  if (key === null) return;
  const sent = bearerToken(req);
  if (!sent) throw new AppError("unauthorized", "Missing Authorization: Bearer <metrics key> header", 401);
  if (!secretsEqual(sent, key)) throw new AppError("unauthorized", "The metrics key is not valid", 401);
}

/** `/metrics` on the server's own port: the Prometheus exporter's text format, behind METRICS_KEY. */
export function metricsRoute(config: Config, telemetry: Telemetry): RequestHandler {
  return (req, res) => {
    checkKey(config, req);
    if (!telemetry.prometheus) throw new AppError("not_found", "Metrics are not enabled", 404);
    res.setHeader("cache-control", "no-store");
    telemetry.prometheus(req, res);
  };
}

/** `/metrics` alone on METRICS_PORT (METRICS_HOST), for a scraper on a private network. */
export async function startMetricsServer(config: Config, telemetry: Telemetry): Promise<{ url: string; close(): Promise<void> }> {
  const refuse = (_req: IncomingMessage, res: ServerResponse, error: AppError) => {
    res.writeHead(error.status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
    res.end(JSON.stringify({ error: { code: error.code, message: error.message } }));
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" || path !== "/metrics" || !telemetry.prometheus)
      return refuse(req, res, new AppError("not_found", "Only GET /metrics is served here", 404));
    try {
      checkKey(config, req);
    } catch (err) {
      return refuse(req, res, err as AppError);
    }
    res.setHeader("cache-control", "no-store");
    telemetry.prometheus(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.metrics.port ?? 0, config.metrics.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.metrics.host.includes(":") ? `[${config.metrics.host}]` : config.metrics.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
