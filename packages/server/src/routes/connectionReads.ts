import type { IncomingMessage, ServerResponse } from "node:http";
import { GetConnectionQuerySchema, ListConnectionsQuerySchema } from "@ads-connect/shared";
import type { Express, RequestHandler } from "express";
import { match } from "path-to-regexp";
import type { Logger } from "pino";
import type { ConnectionService } from "../connections/connectionService.js";
import { bearerToken } from "../http/bearerToken.js";
import { sendError } from "../http/errorHandler.js";
import { parseWith } from "../http/parseWith.js";
import type { RateLimits } from "../http/rateLimits.js";
import type { RequestLog } from "../http/requestLogger.js";
import type { SecurityHeaders } from "../http/securityHeaders.js";
import { sendJson } from "../http/sendJson.js";
import type { DatabaseOutage } from "../store/databaseOutage.js";
import { countTokenRead } from "../telemetry/metrics.js";
import type { SecretKeys } from "../tokens/secretKeys.js";

/** Built once: unknown query parameters are allowed on a token read (Nango clients send extras). */
const TokenReadQuerySchema = GetConnectionQuerySchema.loose();

/** The token read's Cache-Control: it carries an access token. */
const TOKEN_READ_CACHE_CONTROL = "no-store";

/** The routes of the two reads: the status read (`GET /connections`) and the token read, at the root and under PUBLIC_URL's path prefix. */
function readRoutes(basePath: string): { path: string; token: boolean }[] {
  return (basePath ? ["", basePath] : [""]).flatMap((prefix) => [
    { path: `${prefix}/connections`, token: false },
    { path: `${prefix}/connections/:connectionId`, token: true },
  ]);
}

/**
 * The one handler of the token read (`GET /connections/:connectionId`, when `connectionId` is
 * given) and the status read (`GET /connections`): validates the parsed query, reads, writes the
 * answer. Errors reject, for the caller's error handling (Express's error handler, or the fast
 * path's `sendError`, which is the same).
 */
function connectionReads(connections: ConnectionService) {
  return async function read(req: IncomingMessage, res: ServerResponse, connectionId: string | undefined, query: unknown): Promise<void> {
    if (connectionId === undefined) {
      sendJson(req, res, 200, await connections.list(parseWith(ListConnectionsQuerySchema, query, "query")));
      return;
    }
    const parsed = parseWith(TokenReadQuerySchema, query, "query");
    const connection = await connections.get(connectionId, {
      providerConfigKey: parsed.provider_config_key,
      forceRefresh: parsed.force_refresh,
      includeRefreshToken: parsed.refresh_token,
    });
    countTokenRead();
    res.setHeader("cache-control", TOKEN_READ_CACHE_CONTROL);
    sendJson(req, res, 200, connection);
  };
}

/** What runs in front of every route, shared with the fast path so both count and answer alike. */
export interface ReadMiddleware {
  requestLog: RequestLog;
  securityHeaders: SecurityHeaders;
  rateLimits: RateLimits;
  secretKeys: SecretKeys;
}

/**
 * Mounts the two reads as ordinary routes of `app`, ahead of the other routers (they are the hot
 * path), and returns the fast path: the same handler as a request listener ahead of Express.
 * `before`: what runs first on the routes, as it runs ahead of every other route (the JSON body
 * parser, the secret key check).
 *
 * The fast path answers a read exactly as Express would and skips only Express's dispatch: it
 * matches the path with Express's own matcher (path-to-regexp, compiled once from the route strings
 * registered here, with the app's case and trailing-slash settings), parses the query with the
 * app's query parser, and runs the same parts in the same order: the request log line, the API
 * security headers, the API rate limit (on by default), the secret key (matched once and counted as
 * `requireSecretKey` counts it), the handler, and errors through the error handler's `sendError`.
 * Anything unusual is left to Express untouched (returns false having done nothing): another method,
 * a body, conditional headers, a URL Express parses the slow way or must decode, a path that is not
 * a read, a missing or invalid key (Express's 401, counted per IP).
 */
export function mountConnectionReads(
  app: Express,
  options: {
    connections: ConnectionService;
    basePath: string;
    before: RequestHandler[];
    logger: Logger;
    middleware: ReadMiddleware;
    /** An unreachable database is logged once per outage (see DatabaseOutage). */
    outage?: DatabaseOutage;
  },
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const read = connectionReads(options.connections);
  const token: RequestHandler = (req, res) => read(req, res, req.params.connectionId as string, req.query);
  const status: RequestHandler = (req, res) => read(req, res, undefined, req.query);
  const routes = readRoutes(options.basePath);
  for (const route of routes) app.get(route.path, ...options.before, route.token ? token : status);

  const matchers = routes.map((route) => ({
    token: route.token,
    // As the router's Layer compiles a route (trailing slashes trimmed unless strict).
    match: match(app.enabled("strict routing") ? route.path : route.path.replace(/\/+$/, ""), {
      sensitive: app.enabled("case sensitive routing"),
      end: true,
      trailing: !app.enabled("strict routing"),
      decode: false,
    }),
  }));
  const queryParser = app.get("query parser fn") as ((query: string) => unknown) | undefined;
  const { requestLog, securityHeaders, rateLimits, secretKeys } = options.middleware;
  const { logger } = options;

  return (req, res) => {
    const url = req.url;
    const headers = req.headers;
    if (req.method !== "GET" || url === undefined || url.charCodeAt(0) !== 0x2f) return false;
    if (headers["content-length"] !== undefined || headers["transfer-encoding"] !== undefined) return false;
    if (headers["if-none-match"] !== undefined || headers["if-modified-since"] !== undefined) return false;
    if (UNUSUAL_URL.test(url)) return false;
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    if (path.includes("%")) return false;
    let connectionId: string | undefined;
    let found = false;
    for (const matcher of matchers) {
      const matched = matcher.match(path);
      if (matched === false) continue;
      found = true;
      if (matcher.token) connectionId = matched.params.connectionId as string;
      break;
    }
    if (!found) return false;
    const presented = bearerToken(req);
    const key = presented === undefined ? -1 : secretKeys.match(presented);
    if (key < 0) return false;

    requestLog.begin(req, res);
    securityHeaders.api(res);
    if (!rateLimits.api(req, res)) return true;
    secretKeys.use(key);
    read(req, res, connectionId, queryParser ? queryParser(q === -1 ? "" : url.slice(q + 1)) : {}).catch((err: unknown) =>
      sendError(logger, req, res, err, options.outage),
    );
    return true;
  };
}

/** Characters that make Express parse the URL another way (parseurl's slow path): left to Express. */
const UNUSUAL_URL = /[\t\n\f\r #\u00a0\ufeff]/;
