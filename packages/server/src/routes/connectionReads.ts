import type { ServerResponse } from "node:http";
import { GetConnectionQuerySchema, ListConnectionsQuerySchema } from "@ads-connect/shared";
import type { Request, RequestHandler, Response, Router } from "express";
import type { ConnectionService } from "../connections/connectionService.js";
import { parseWith } from "../http/parseWith.js";

/** Built once: unknown query parameters are allowed on a token read (Nango clients send extras). */
const TokenReadQuerySchema = GetConnectionQuerySchema.loose();

/** The token read's Cache-Control: it carries an access token. */
const TOKEN_READ_CACHE_CONTROL = "no-store";

/**
 * JSON written as Express's `res.json` writes it (the same Content-Type and Content-Length after the
 * headers already set), without `res.send`'s per-response work. HEAD and conditional requests go
 * through `res.json` itself, which knows their answers (no body; a 304 for `If-None-Match: *`).
 */
function sendJson(req: Request, res: Response, body: unknown): void {
  const headers = req.headers;
  if (req.method !== "GET" || headers["if-none-match"] !== undefined || headers["if-modified-since"] !== undefined) {
    res.json(body);
    return;
  }
  // Encoded once: its length is the header's.
  const bytes = Buffer.from(JSON.stringify(body), "utf8");
  const raw = res as ServerResponse;
  raw.statusCode = 200;
  raw.setHeader("Content-Type", "application/json; charset=utf-8");
  raw.setHeader("Content-Length", bytes.length);
  raw.end(bytes);
}

/**
 * The one handler of the token read (`GET /connections/:connectionId`, when `connectionId` is
 * given) and the status read (`GET /connections`): validates the parsed query, reads, writes the
 * answer. Errors reject, for Express's error handler (http/errorHandler.ts).
 */
function connectionReads(connections: ConnectionService) {
  return async function read(req: Request, res: Response, connectionId: string | undefined, query: unknown): Promise<void> {
    if (connectionId === undefined) {
      sendJson(req, res, await connections.list(parseWith(ListConnectionsQuerySchema, query, "query")));
      return;
    }
    const parsed = parseWith(TokenReadQuerySchema, query, "query");
    const connection = await connections.get(connectionId, {
      providerConfigKey: parsed.provider_config_key,
      forceRefresh: parsed.force_refresh,
      includeRefreshToken: parsed.refresh_token,
    });
    res.setHeader("cache-control", TOKEN_READ_CACHE_CONTROL);
    sendJson(req, res, connection);
  };
}

/**
 * Mounts the two reads as ordinary routes of `app`, at the root and under PUBLIC_URL's path prefix,
 * ahead of the other routers (they are the hot path). `before`: what runs first on them, as it
 * runs ahead of every other route (the JSON body parser, the secret key check).
 */
export function mountConnectionReads(app: Router, options: { connections: ConnectionService; basePath: string; before: RequestHandler[] }): void {
  const read = connectionReads(options.connections);
  const token: RequestHandler = (req, res) => read(req, res, req.params.connectionId as string, req.query);
  const status: RequestHandler = (req, res) => read(req, res, undefined, req.query);
  for (const prefix of options.basePath ? ["", options.basePath] : [""]) {
    app.get(`${prefix}/connections`, ...options.before, status);
    app.get(`${prefix}/connections/:connectionId`, ...options.before, token);
  }
}
