import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import { redactUrl, serializeError } from "../logger.js";

/** One log line per request: method, redacted URL, status, time. No headers, no bodies. */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({ id: req.id, method: req.method, url: redactUrl(req.url ?? "") }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      // pino-http would otherwise use the standard serializer: stack, cause and every property.
      err: serializeError,
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info"),
    customSuccessMessage: (req, res) => `${req.method} ${redactUrl(req.url ?? "").split("?")[0]} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${redactUrl(req.url ?? "").split("?")[0]} ${res.statusCode}`,
  });
}
