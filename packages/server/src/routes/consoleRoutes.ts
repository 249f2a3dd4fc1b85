import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseCookie } from "cookie";
import { type Request, type RequestHandler, type Response, Router } from "express";
import type { ConsoleAuth } from "../console/consoleAuth.js";
import {
  ConsoleConnectionsQuerySchema as ConnectionsQuery,
  ConsoleCursorQuerySchema as CursorQuery,
  ConsoleDeleteBodySchema as DeleteBody,
  ConsoleDeliveriesQuerySchema as DeliveriesQuery,
  ConsoleOverviewQuerySchema as OverviewQuery,
  ConsoleSignInBodySchema as SignInBody,
} from "../console/consoleSchemas.js";
import type { ConsoleService } from "../console/consoleService.js";
import { AppError } from "../errors.js";
import { parseWith } from "../http/parseWith.js";

// Where the console's build lands (packages/console builds into the server package's console-app/);
// null where modules are not files (the widget's tests run the server under a DOM environment).
const consoleAppUrl = new URL("../../console-app/", import.meta.url);
const CONSOLE_APP_DIR = consoleAppUrl.protocol === "file:" ? fileURLToPath(consoleAppUrl) : null;
const COOKIE = "adsc_console";
/** The single page's paths (packages/console/src/router.ts). */
export const CONSOLE_PAGES = ["/console", "/console/connections", "/console/connections/:id", "/console/webhooks"] as const;
/** Mutations carry it: a cross-site form or a plain fetch cannot set a custom header without a CORS preflight, which this server never grants. */
export const CONSOLE_REQUEST_HEADER = "x-console-request";

const OFF_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark">
<title>Operator console is off · ads-connect</title></head>
<body><main><h1>The operator console is off</h1>
<p>No operator key is set. To turn the console on, set <code>CONSOLE_OPERATOR_KEY</code> (at least 32 random characters, its own value: not an API secret key) and restart the server.</p>
</main></body></html>`;

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="color-scheme" content="light dark"><title>Operator console not built · ads-connect</title></head>
<body><main><h1>The operator console is not built</h1><p>Run <code>pnpm build</code> (it builds packages/console into the server package).</p></main></body></html>`;

/**
 * `/console`: the operator console's files (a strict CSP, see securityHeaders) and its JSON API
 * under `/console/api/*`, authenticated by the session cookie ConsoleAuth issues. Mutations need
 * the console's request header and, when the browser sends one, this server's Origin.
 */
export function consoleRoutes(auth: ConsoleAuth, service: ConsoleService, options: { secureCookies: boolean; basePath: string; publicUrl: string }): Router {
  const router = Router({ caseSensitive: true });
  const cookiePath = `${options.basePath}/console`;
  const publicOrigin = new URL(options.publicUrl).origin;
  const tokenOf = (req: Request) => parseCookie(req.get("cookie") ?? "")[COOKIE];

  const enabled: RequestHandler = (_req, _res, next) => {
    auth.assertEnabled();
    next();
  };
  const sameSite: RequestHandler = (req, _res, next) => {
    if (req.method === "GET" || req.method === "HEAD") return next();
    const origin = req.get("origin");
    const ownOrigin = `${req.protocol}://${req.get("host")}`;
    if (req.get(CONSOLE_REQUEST_HEADER) !== "1" || (origin !== undefined && origin !== publicOrigin && origin !== ownOrigin)) {
      throw new AppError("console_request_refused", "A console change must come from the console's own page.", 403);
    }
    next();
  };
  const signedIn: RequestHandler = async (req, _res, next) => {
    await auth.verify(tokenOf(req));
    next();
  };
  const noStore: RequestHandler = (_req, res, next) => {
    res.set("cache-control", "no-store");
    next();
  };

  router.use("/console/api", noStore, enabled, sameSite);
  router.post("/console/api/session", async (req, res) => {
    const { key } = parseWith(SignInBody, req.body, "body");
    const token = await auth.signIn(key);
    res.cookie(COOKIE, token, { httpOnly: true, sameSite: "strict", secure: options.secureCookies, path: cookiePath, maxAge: auth.ttlSeconds * 1000 });
    res.json({ signed_in: true, expires_in: auth.ttlSeconds });
  });
  router.delete("/console/api/session", async (req, res) => {
    await auth.signOut(tokenOf(req));
    res.clearCookie(COOKIE, { httpOnly: true, sameSite: "strict", secure: options.secureCookies, path: cookiePath });
    res.json({ signed_in: false });
  });
  router.get("/console/api/session", signedIn, (_req, res) => {
    res.json({ signed_in: true });
  });
  router.use("/console/api", signedIn);
  router.get("/console/api/overview", async (req, res) => {
    res.json(await service.overview(parseWith(OverviewQuery, req.query, "query").range));
  });
  router.get("/console/api/connections", async (req, res) => {
    const q = parseWith(ConnectionsQuery, req.query, "query");
    res.json(
      await service.connections({
        search: q.q,
        status: q.status,
        errorCode: q.error_code,
        integration: q.integration,
        sort: q.sort,
        order: q.order,
        limit: q.limit,
        offset: q.page * q.limit,
      }),
    );
  });
  router.get("/console/api/connections/:id", async (req, res) => {
    res.json(await service.connection(req.params.id));
  });
  router.get("/console/api/connections/:id/operations", async (req, res) => {
    res.json(await service.timeline(req.params.id, parseWith(CursorQuery, req.query, "query").cursor));
  });
  router.get("/console/api/operations/:id", async (req, res) => {
    res.json(await service.operation(req.params.id));
  });
  router.post("/console/api/connections/:id/refresh", async (req, res) => {
    res.json(await service.forceRefresh(req.params.id));
  });
  router.post("/console/api/connections/:id/sync", async (req, res) => {
    res.json(await service.resyncAccounts(req.params.id));
  });
  router.post("/console/api/connections/:id/reconnect-link", async (req, res) => {
    res.json(await service.reconnectLink(req.params.id));
  });
  router.delete("/console/api/connections/:id", async (req, res) => {
    res.json(await service.deleteConnection(req.params.id, parseWith(DeleteBody, req.body, "body").confirm));
  });
  router.get("/console/api/webhooks", async (req, res) => {
    const q = parseWith(DeliveriesQuery, req.query, "query");
    res.json(await service.deliveries({ status: q.status, limit: q.limit, offset: q.page * q.limit }));
  });
  router.post("/console/api/webhooks/:id/retry", async (req, res) => {
    res.json(await service.retryDelivery(req.params.id));
  });
  router.use("/console/api", () => {
    throw new AppError("not_found", "No such console API route.", 404);
  });

  // The app: hashed assets cached for good, every other path the single page (its router reads the URL).
  const indexFile = CONSOLE_APP_DIR && path.join(CONSOLE_APP_DIR, "index.html");
  const built = indexFile !== null && existsSync(indexFile);
  // Vite writes absolute `/console/` URLs; behind PUBLIC_URL's path prefix they get the prefix.
  const index = built ? readFileSync(indexFile!, "utf8").replaceAll('"/console/', `"${options.basePath}/console/`) : NOT_BUILT_PAGE;
  const page = (_req: Request, res: Response) => {
    res.set("cache-control", "no-store").type("html");
    if (!auth.enabled) res.status(404).send(OFF_PAGE);
    else res.status(built ? 200 : 503).send(index);
  };
  const assetsDir = CONSOLE_APP_DIR && path.join(CONSOLE_APP_DIR, "assets");
  const assets = new Set(built && assetsDir && existsSync(assetsDir) ? readdirSync(assetsDir) : []);
  router.get("/console/assets/:file", (req, res) => {
    // Only the build's own files (their names carry a content hash): cached for good.
    if (!assets.has(req.params.file)) throw new AppError("not_found", `No console file ${req.params.file}`, 404);
    res.set("cache-control", "public, max-age=31536000, immutable");
    res.sendFile(path.join(assetsDir!, req.params.file));
  });
  // The app's own pages (its router reads the URL); anything else under /console is a 404.
  for (const route of CONSOLE_PAGES) router.get(route, page);
  return router;
}
