import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import pino, { type DestinationStream, type Logger } from "pino";
import { redactUrl, scrubText, serializeError } from "../logger.js";

/** Where a request keeps its redacted URL (a property, not a WeakMap entry per request for the GC to trace). */
const REDACTED_URL = Symbol("redacted url");

/** The redacted URL of a request, computed once (the line's `req` and its message both use it). */
function redactedUrl(req: IncomingMessage & { [REDACTED_URL]?: string }): string {
  req[REDACTED_URL] ??= redactUrl(req.url ?? "");
  return req[REDACTED_URL];
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

const CHILD = Symbol("request log");
const STARTED = Symbol("request started");
const EXPECTED_OUTAGE = Symbol("answered for an expected outage");

/**
 * The response answers 503 for an outage that is expected and logged once on its own (an unreachable
 * database, see DatabaseOutage): its request line is an ordinary one, not an error per request.
 */
export function markOutageAnswer(res: ServerResponse): void {
  (res as ServerResponse & { [EXPECTED_OUTAGE]?: true })[EXPECTED_OUTAGE] = true;
}
interface Slots {
  [CHILD]?: Logger;
  [STARTED]: number;
}

/**
 * One log line per request when its response ends (or the connection closes first): `req` (id,
 * method, redacted URL), `res` (status), `responseTime` in ms, the message `GET /path 200`; level
 * error for 5xx (with `err`), warn for 4xx, info otherwise. No headers, no bodies. The line pino-http
 * would write, without its per-request work: `req.log` (a child logger carrying `req`) is made only
 * when a route asks for it, and each URL is redacted once.
 *
 * The line itself is written by a logger of its own on the same destination, without the app
 * logger's redaction paths and object scrubbing: every field of it is built here (the URL redacted,
 * the message scrubbed, errors serialized by `serializeError`), so they had nothing to do but cost
 * time on every request.
 */
export function requestLogger(logger: Logger, requestPrototype: object): RequestLog {
  const serializers = {
    req: (req: LoggedRequest) => ({ id: req.id, method: req.method, url: redactedUrl(req) }),
    res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    // Otherwise pino's standard serializer: stack, cause and every property.
    err: serializeError,
  };
  const log = logger.child({}, { serializers });
  // `req.log`: a child logger carrying `req`, made the first time a route asks for it. Defined once
  // on the app's request prototype (Express gives every request it), not on each request.
  Object.defineProperty(requestPrototype, "log", {
    configurable: true,
    get(this: LoggedRequest & Slots) {
      this[CHILD] ??= log.child({ req: this });
      return this[CHILD];
    },
    set(this: LoggedRequest & Slots, value: Logger) {
      this[CHILD] = value;
    },
  });
  const lines = pino(
    { level: logger.level, base: logger.bindings(), serializers },
    (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym],
  );
  // Shared by every request (no closures made per request): the request carries its start time,
  // and the response's `close` (emitted once it is done, after `finish`, and also when the
  // connection closes first) writes the line.
  function onClose(this: ServerResponse) {
    const req = this.req as LoggedRequest & Slots;
    const responseTime = Date.now() - req[STARTED];
    const status = this.statusCode;
    const msg = scrubText(message(req, this));
    const outage = (this as ServerResponse & { [EXPECTED_OUTAGE]?: true })[EXPECTED_OUTAGE] === true;
    if (status >= 500 && !outage) lines.error({ req, res: this, err: new Error(`failed with status code ${status}`), responseTime }, msg);
    else if (status >= 400 && !outage) lines.warn({ req, res: this, responseTime }, msg);
    else lines.info({ req, res: this, responseTime }, msg);
  }
  let lastId = 0;
  const begin = (request: IncomingMessage, res: ServerResponse) => {
    const req = request as LoggedRequest & Partial<Slots>;
    req.id ??= ++lastId;
    req[STARTED] = Date.now();
    res.on("close", onClose);
  };
  const handler: RequestHandler = (req, res, next) => {
    begin(req, res);
    next();
  };
  return Object.assign(handler, { begin });
}

/** The request log as Express middleware, and its start alone for a request answered ahead of Express. */
export type RequestLog = RequestHandler & {
  /** Starts the request's log line (written when its response closes). */
  begin(req: IncomingMessage, res: ServerResponse): void;
};
