import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
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

declare module "node:http" {
  interface IncomingMessage {
    /** This process's number for the request (on its log line). */
    id: number | string | object;
    /** A logger whose lines carry the request (`req`). */
    log: Logger;
  }
}

type LoggedRequest = IncomingMessage;

/**
 * One log line per request when its response ends (or the connection closes first): `req` (id,
 * method, redacted URL), `res` (status), `responseTime` in ms, the message `GET /path 200`; level
 * error for 5xx (with `err`), warn for 4xx, info otherwise. No headers, no bodies. The line pino-http
 * wrote, without its per-request work: `req.log` (a child logger carrying `req`) is made only
 * when a route asks for it, and each URL is redacted once.
 */
export function requestLogger(logger: Logger): RequestHandler {
  const log = logger.child(
    {},
    {
      serializers: {
        req: (req: LoggedRequest) => ({ id: req.id, method: req.method, url: redactedUrl(req) }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
        // Otherwise pino's standard serializer: stack, cause and every property.
        err: serializeError,
      },
    },
  );
  let lastId = 0;
  return (req: LoggedRequest, res, next) => {
    req.id ??= ++lastId;
    let child: Logger | undefined;
    Object.defineProperty(req, "log", {
      configurable: true,
      enumerable: true,
      get: () => (child ??= log.child({ req })),
      set: (value: Logger) => (child = value),
    });
    const started = Date.now();
    const done = () => {
      res.removeListener("close", done);
      res.removeListener("finish", done);
      const responseTime = Date.now() - started;
      const status = res.statusCode;
      if (status >= 500) log.error({ req, res, err: new Error(`failed with status code ${status}`), responseTime }, message(req, res));
      else if (status >= 400) log.warn({ req, res, responseTime }, message(req, res));
      else log.info({ req, res, responseTime }, message(req, res));
    };
    res.on("close", done);
    res.on("finish", done);
    next();
  };
}
