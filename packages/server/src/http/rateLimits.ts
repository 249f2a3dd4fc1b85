import type { IncomingMessage, ServerResponse } from "node:http";
import { CONNECT_ERROR, type ConnectResult } from "@ads-connect/shared";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { ipKeyGenerator } from "express-rate-limit";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { renderHtmlPage } from "../connect/pages/htmlPage.js";
import { renderResultPage } from "../connect/pages/resultPage.js";
import { negotiateLocale } from "../connect/pages/strings/negotiate.js";
import { BUILT_IN, fillPlural, type PageCatalogues } from "../connect/pages/strings/pageStrings.js";
import type { SecretKeys } from "../tokens/secretKeys.js";
import { bearerToken } from "./bearerToken.js";
import { MemoryRateLimitCounter, type RateLimitCounter } from "./rateLimitCounter.js";
import { sendJson } from "./sendJson.js";

type Limiter = "browser" | "session_status" | "api" | "api_unauthenticated" | "probe" | "console" | "console_sign_in";

/**
 * Rate limits for every public endpoint but `/health`: popup and admin-consent pages and the
 * widget's status polls per client IP, the product backend's API per deployment (all its valid
 * secret keys share one allowance, so a rotation does not double it). API requests without a valid
 * key count per IP against the browser limit, so nobody can use up the key's allowance. Over the
 * limit: 429 with `Retry-After`, as JSON `{error:{code:"rate_limited"}}` for APIs and as a page the
 * widget understands for the popup. Every limited response carries the IETF draft-7 `RateLimit`
 * and `RateLimit-Policy` headers.
 *
 * Fixed windows counted synchronously (no I/O on the request path): with `shared` (PostgreSQL,
 * http/sharedRateLimitCounter.ts) by every instance together, a flush behind; without it (SQLite:
 * one process) in this process's memory. The load balancer's probes (`/healthz`, `/readyz`) are
 * always counted in memory, per IP against the browser limit: they must answer while the database is away.
 */
export function rateLimits({
  config,
  logger,
  secretKeys,
  shared,
  pageStrings = BUILT_IN,
}: {
  /** The pages' texts (default: the built-in ones): a refused page speaks the browser's language. */
  pageStrings?: PageCatalogues;
  config: Config;
  logger: Logger;
  secretKeys: SecretKeys;
  shared: RateLimitCounter | null;
}): RateLimits {
  if (!config.rateLimit.enabled) return Object.assign((_req: Request, _res: Response, next: NextFunction) => next(), { api: () => true });
  const { windowSeconds, browser, sessionStatus, api } = config.rateLimit;
  const windowMs = windowSeconds * 1000;
  const memory = new MemoryRateLimitCounter(windowMs);
  const byIp = (req: Request) => ipKeyGenerator(req.ip ?? "unknown");
  // Not `verify`: the route's own check counts the key's use.
  const hasSecretKey = (req: Request) => {
    const token = bearerToken(req);
    return token !== undefined && secretKeys.match(token) >= 0;
  };

  /**
   * Counts the request and sets the draft-7 headers: undefined when it may go on, else the seconds
   * to wait (`Retry-After` set, the refusal logged once per client and window).
   */
  const counted = (
    name: Limiter,
    limit: number,
    keyOf: ((req: Request) => string) | string,
    counter: RateLimitCounter,
  ): ((req: IncomingMessage, res: ServerResponse) => number | undefined) => {
    const policy = `${limit};w=${windowSeconds}`;
    const prefix = `${name}:`;
    // The API's one key, built once.
    const fixedKey = typeof keyOf === "string" ? prefix + keyOf : undefined;
    return (req, res) => {
      const now = Date.now();
      const { hits, resetAt } = counter.hit(fixedKey ?? prefix + (keyOf as (req: Request) => string)(req as Request), now);
      const reset = Math.max(0, Math.ceil((resetAt - now) / 1000));
      res.setHeader("RateLimit-Policy", policy);
      res.setHeader("RateLimit", `limit=${limit}, remaining=${Math.max(limit - hits, 0)}, reset=${reset}`);
      if (hits <= limit) return undefined;
      res.setHeader("Retry-After", String(reset));
      // One line per client and window, not one per refused request.
      if (hits === limit + 1) logger.warn({ limiter: name, limit, windowSeconds, path: pathOf(req) }, "rate limit reached");
      return reset || windowSeconds;
    };
  };
  const limiter =
    (count: ReturnType<typeof counted>, respond: (req: Request, res: Response, retryAfter: number) => void): RequestHandler =>
    (req, res, next) => {
      const retryAfter = count(req, res);
      if (retryAfter === undefined) next();
      else respond(req, res, retryAfter);
    };

  const json = (req: IncomingMessage, res: ServerResponse, retryAfter: number) => {
    sendJson(req, res, 429, { error: { code: "rate_limited", message: `Too many requests. Try again in ${retryAfter} seconds.` } });
  };

  const counter = shared ?? memory;
  const apiCount = counted("api", api, "key", counter);
  const limiters: Record<Limiter, RequestHandler> = {
    browser: limiter(counted("browser", browser, byIp, counter), (req, res, retryAfter) => browserPage(config, pageStrings, req, res, retryAfter)),
    session_status: limiter(counted("session_status", sessionStatus, byIp, counter), json),
    api: limiter(apiCount, json),
    api_unauthenticated: limiter(counted("api_unauthenticated", browser, byIp, counter), json),
    probe: limiter(counted("probe", browser, byIp, memory), json),
    console: limiter(counted("console", config.rateLimit.console, byIp, counter), json),
    console_sign_in: limiter(counted("console_sign_in", config.rateLimit.consoleSignIn, byIp, counter), json),
  };

  const handler: RequestHandler = (req, res, next) => {
    // Express routes `/x/` as `/x` (routing is not strict): one spelling, one bucket.
    const path = withoutTrailingSlash(withoutBasePath(req.path, config.basePath));
    if (path === "/health") {
      next();
      return;
    }
    const name: Limiter =
      path === "/console/api/session" && req.method === "POST"
        ? "console_sign_in"
        : path === "/console" || path.startsWith("/console/")
          ? "console"
          : path.startsWith("/oauth/")
            ? "browser"
            : path === "/connect/session/status"
              ? "session_status"
              : path === "/healthz" || path === "/readyz"
                ? "probe"
                : hasSecretKey(req)
                  ? "api"
                  : "api_unauthenticated";
    limiters[name](req, res, next);
  };
  return Object.assign(handler, {
    api(req: IncomingMessage, res: ServerResponse): boolean {
      const retryAfter = apiCount(req, res);
      if (retryAfter === undefined) return true;
      json(req, res, retryAfter);
      return false;
    },
  });
}

/** The rate limits as Express middleware, and the API's limit alone for a request already known to carry a valid secret key. */
export type RateLimits = RequestHandler & {
  /** Counts a request with a valid secret key against the API's allowance: true when it may go on, else it was answered (429). */
  api(req: IncomingMessage, res: ServerResponse): boolean;
};

/** The request's path as Express's `req.path` gives it, also for a request Express has not seen. */
function pathOf(req: IncomingMessage): string {
  const path = (req as Partial<Request>).path;
  if (path !== undefined) return path;
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

/** The path as the routes see it: without PUBLIC_URL's path prefix when the request carries it. */
export function withoutBasePath(path: string, basePath: string): string {
  if (basePath && (path === basePath || path.startsWith(`${basePath}/`))) return path.slice(basePath.length) || "/";
  return path;
}

/**
 * A popup start or its Continue (whose form action carries the origin) from an allowed page gets
 * the `rate_limited` result posted to the widget, which shows it (no session state was touched, so
 * a later click works). Any other page (the callback,
 * admin consent) was refused before anything was spent: it says so and loads itself again once the
 * window has passed, which finishes the sign-in or approval.
 */
function browserPage(config: Config, pageStrings: PageCatalogues, req: Request, res: Response, retryAfter: number): void {
  const nonce = res.locals.cspNonce as string;
  const t = pageStrings[negotiateLocale(req.get("accept-language"))];
  const message = fillPlural(t, t.tooManyRetry, retryAfter, { seconds: retryAfter });
  const origin = typeof req.query.origin === "string" && config.allowedOrigins.includes(req.query.origin) ? req.query.origin : null;
  const path = withoutBasePath(req.path, config.basePath);
  res.status(429).set("cache-control", "no-store").type("html");
  if (path.startsWith("/oauth/connect/") && origin) {
    const result: ConnectResult = { type: CONNECT_ERROR, error: { code: "rate_limited", message, actor: "end_user", aadsts: null } };
    res.send(renderResultPage(result, origin, nonce, t));
    return;
  }
  const reload = req.method === "GET";
  const page = {
    heading: t.tooManyHeading,
    paragraphs: [reload ? fillPlural(t, t.tooManyReload, retryAfter, { seconds: retryAfter }) : message],
    lang: t.lang,
    dir: t.dir,
    code: "rate_limited",
    data: { ...(path.startsWith("/oauth/admin-consent") ? { "admin-consent": "invalid" } : {}), result: "error", "error-code": "rate_limited" },
    ...(reload ? { script: `setTimeout(function () { location.reload(); }, ${retryAfter * 1000});` } : {}),
  };
  res.send(renderHtmlPage(page, nonce));
}
