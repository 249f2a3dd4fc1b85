import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import { redactUrl, serializeError } from "../logger.js";

/** The redacted URL of a request, computed once (the line's `req` and its message both use it). */
const redacted = new WeakMap<IncomingMessage, string>();
function redactedUrl(req: IncomingMessage): string {
  let url = redacted.get(req);
  if (url === undefined) {
    url = redactUrl(req.url ?? "");
    redacted.set(req, url);
  }
  return url;
}

function message(req: IncomingMessage, res: ServerResponse): string {
  const url = redactedUrl(req);
  const q = url.indexOf("?");
  return `${req.method} ${q === -1 ? url : url.slice(0, q)} ${res.statusCode}`;
}

/**
 * One log line per request: method, redacted URL, status, time. No headers, no bodies. Cheap on
 * hot routes: our serializers get the raw request and response (`wrapSerializers: false`: pino-http
 * would first copy every header into a request object of its own), and the URL is redacted once.
 */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({ id: req.id, method: req.method, url: redactedUrl(req) }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      // pino-http would otherwise use the standard serializer: stack, cause and every property.
      err: serializeError,
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info"),
    customSuccessMessage: message,
    customErrorMessage: message,
  });
}
