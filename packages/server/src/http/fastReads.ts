import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseQuery } from "node:querystring";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { TOKEN_READ_CACHE_CONTROL, type ConnectionReads } from "../routes/connectionsRoutes.js";
import type { SecretKeys } from "../tokens/secretKeys.js";
import { bearerToken } from "./bearerToken.js";
import { errorResponse } from "./errorHandler.js";

/** Answers a request, true, or leaves it to Express, false (having done nothing). */
export type FastRead = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface FastReads {
  /** Ahead of Express (the server's request listener): also begins the log line and sets the API headers. */
  listener: FastRead;
  /** Inside Express, after the logger, security headers and rate limits: for when those must run (rate limits on). */
  middleware: RequestHandler;
}

/** The segment of a token read (`/connections/<id>`) answered here: unreserved and sub-delimiter characters, no `%` (Express decodes those). */
const CONNECTION_ID = /^[A-Za-z0-9._~!$&'()*+,;=:@-]+$/;
/** Characters that make Express parse the URL another way (parseurl's slow path): left to Express. */
const UNUSUAL_URL = /[\t\n\f\r #\u00a0\ufeff]/;

/**
 * A JSON response written the way Express's `res.json` writes it (the same Content-Type and
 * Content-Length, after the headers already set).
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  // Encoded once (its length is the header's), not measured and then encoded again by the socket.
  const bytes = Buffer.from(JSON.stringify(body), "utf8");
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", bytes.length);
  res.end(bytes);
}

/**
 * The two hot reads, `GET /connections/<id>` (token) and `GET /connections?…` (status), also under
 * PUBLIC_URL's path prefix, answered ahead of Express's router and middleware stack (they are a
 * good part of a read's CPU). What Express would do for them is done here through the same parts:
 * the request log line (`begin`), the API security headers, any configured secret key compared in
 * constant time (its use counted), the query parsed as Express parses it and validated by the routes' schemas
 * (`ConnectionReads`), and errors answered through `errorResponse`, like the Express error handler.
 *
 * Everything else is left to Express (returns false) before anything is done: other methods and
 * paths, a request with a body or conditional headers, a missing or wrong secret key (its 401, and
 * its rate limit, are Express's), an id Express would decode. Rate limits are not applied by the
 * `listener`, so the server puts it ahead of Express only when they are off (`RATE_LIMIT=off`);
 * otherwise the `middleware` answers the same way right after Express's rate limits.
 */
export function fastReads(deps: {
  basePath: string;
  /** The same check as the Express routes' (requireSecretKey): any configured key, its use counted. */
  secretKeys: SecretKeys;
  reads: ConnectionReads;
  logger: Logger;
  begin: (req: IncomingMessage, res: ServerResponse) => void;
  setApiHeaders: (res: ServerResponse) => void;
}): FastReads {
  const { basePath, reads, logger, begin, setApiHeaders } = deps;
  const { secretKeys } = deps;
  const prefixed = `${basePath}/connections`;

  function fail(res: ServerResponse, err: unknown): void {
    const failed = errorResponse(logger, err);
    if (failed.retryAfter !== undefined) res.setHeader("retry-after", failed.retryAfter);
    sendJson(res, failed.status, failed.body);
  }

  async function answer(res: ServerResponse, read: () => Promise<unknown>, cacheControl: string | undefined): Promise<void> {
    let body: unknown;
    try {
      body = await read();
    } catch (err) {
      fail(res, err);
      return;
    }
    try {
      if (cacheControl !== undefined) res.setHeader("cache-control", cacheControl);
      sendJson(res, 200, body);
    } catch (err) {
      // A body that cannot be written (our bug): a 500 as Express would give, never a crash.
      if (res.headersSent) res.destroy();
      else fail(res, err);
    }
  }

  /** What the reads are, or undefined for Express to answer. */
  function match(req: IncomingMessage): { connectionId: string | undefined; query: string } | undefined {
    const url = req.url;
    if (req.method !== "GET" || url === undefined) return undefined;
    // Where `/connections` starts: at the root, or after the path prefix.
    const at = url.startsWith("/connections") ? 0 : basePath && url.startsWith(prefixed) ? basePath.length : -1;
    if (at < 0) return undefined;
    const headers = req.headers;
    if (headers["content-length"] !== undefined || headers["transfer-encoding"] !== undefined) return undefined;
    if (headers["if-none-match"] !== undefined || headers["if-modified-since"] !== undefined) return undefined;
    if (UNUSUAL_URL.test(url)) return undefined;
    const q = url.indexOf("?");
    const path = q === -1 ? url.slice(at) : url.slice(at, q);
    let connectionId: string | undefined;
    if (path !== "/connections") {
      connectionId = path.slice("/connections/".length);
      if (path[12] !== "/" || !CONNECTION_ID.test(connectionId)) return undefined;
    }
    const token = bearerToken(req);
    if (token === undefined || !secretKeys.verify(token)) return undefined;
    return { connectionId, query: q === -1 ? "" : url.slice(q + 1) };
  }

  function serve(res: ServerResponse, { connectionId, query }: { connectionId: string | undefined; query: string }): void {
    const parsed = parseQuery(query);
    if (connectionId === undefined) void answer(res, () => reads.status(parsed), undefined);
    else void answer(res, () => reads.token(connectionId, parsed), TOKEN_READ_CACHE_CONTROL);
  }

  return {
    listener(req, res) {
      const read = match(req);
      if (read === undefined) return false;
      begin(req, res);
      setApiHeaders(res);
      serve(res, read);
      return true;
    },
    middleware(req, res, next) {
      const read = match(req);
      if (read === undefined) next();
      else serve(res, read);
    },
  };
}
