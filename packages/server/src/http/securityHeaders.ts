import type { OutgoingHttpHeader, ServerResponse } from "node:http";
import type { Request, RequestHandler, Response } from "express";
import helmet, { type HelmetOptions } from "helmet";
import type { Config } from "../config.js";
import { ENTRA_ORIGIN } from "../oauth/entraClient.js";
import { SIGN_IN_CALLBACK_PATH } from "../oauth/redirectUris.js";
import { cspNonce } from "./cspNonce.js";
import { withoutBasePath } from "./rateLimits.js";

/** The HTML pages (popup start, callback, account picker, admin consent, their rate-limit pages) all live under /oauth/. */
export function isPagePath(path: string): boolean {
  return path.startsWith("/oauth/");
}

/** The operator console's app and its pages (not its JSON API, which gets the API's headers). */
export function isConsolePagePath(path: string): boolean {
  return (path === "/console" || path.startsWith("/console/")) && !path.startsWith("/console/api/");
}

/**
 * The console's CSP: its own script and style files only (Vite builds them with no inline code),
 * its own API, nothing framed or framing it.
 */
const CONSOLE_CSP: HelmetOptions["contentSecurityPolicy"] = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    manifestSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

/** What pages and API responses share (everything but the CSP). */
const COMMON = {
  // The popup must keep its opener to post the result back; COOP here would cut it.
  crossOriginOpenerPolicy: false,
  referrerPolicy: { policy: "no-referrer" },
} satisfies HelmetOptions;

/**
 * A strict CSP for everything that is not a page (JSON, and the JSON 404 for unknown paths): it
 * loads nothing, runs nothing, is framed nowhere. Static, so no nonce.
 */
const API_CSP: HelmetOptions["contentSecurityPolicy"] = {
  useDefaults: false,
  directives: { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] },
};

/**
 * helmet's headers that only mean something for a document a browser renders (HTML), left off the
 * JSON answers: `Origin-Agent-Cluster` (how documents share a process), `X-DNS-Prefetch-Control`
 * (prefetching a document's links), `X-Download-Options` (IE8 opening downloaded HTML),
 * `X-Permitted-Cross-Domain-Policies` (Flash and Acrobat policy files: the API serves none) and
 * `X-XSS-Protection: 0` (the legacy XSS auditor, of HTML). What guards a JSON answer stays: the
 * strict CSP, `nosniff` (never read as anything but JSON), `X-Frame-Options`, HSTS,
 * `Referrer-Policy` and `Cross-Origin-Resource-Policy`. Pages keep all of helmet's headers.
 */
const DOCUMENT_ONLY = {
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
} satisfies HelmetOptions;

/** The headers a helmet middleware sets, run once on a stand-in response. */
function headersOf(middleware: RequestHandler): [string, OutgoingHttpHeader][] {
  const headers: [string, OutgoingHttpHeader][] = [];
  const res = { setHeader: (name: string, value: OutgoingHttpHeader) => headers.push([name, value]), removeHeader: () => undefined };
  let failed: unknown;
  void middleware({} as Request, res as unknown as Response, (err?: unknown) => (failed = err));
  if (failed !== undefined) throw new Error("the API's security headers could not be computed", { cause: failed });
  return headers;
}

/**
 * helmet's headers. Pages get a fresh CSP nonce per response (`res.locals.cspNonce`, for their
 * inline script and style) and a CSP built for them (their form actions depend on the page); API
 * responses get the same headers with a static CSP, computed once at startup rather than by
 * helmet's dozen middlewares on every request (a token read is the hot path).
 */
export function securityHeaders(config: Config): SecurityHeaders {
  const entraOrigin = new URL(config.microsoft.emulatorUrl ?? ENTRA_ORIGIN).origin;
  const nonce = (_req: unknown, res: unknown) => `'nonce-${(res as Response).locals.cspNonce as string}'`;
  const pages = helmet({
    ...COMMON,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: [nonce],
        styleSrc: [nonce],
        imgSrc: ["'self'", "data:"],
        baseUri: ["'none'"],
        // Only the popup start page has a form; it posts here and is redirected to Microsoft. The
        // path is read as the routes see it (a proxy may pass PUBLIC_URL's prefix on).
        formAction: [
          (req) => {
            const path = withoutBasePath((req as Request).path, config.basePath);
            // The account picker is shown at the callback (and its own path) and posts to itself.
            // In redirect mode the picker's post ends on the product page: an allowed origin.
            const back = ["'self'", ...config.allowedOrigins].join(" ");
            return path.startsWith("/oauth/connect/") ? `${back} ${entraOrigin}` : path === SIGN_IN_CALLBACK_PATH ? back : "'none'";
          },
        ],
        frameAncestors: ["'none'"],
      },
    },
  });
  const apiHeaders = headersOf(helmet({ ...COMMON, ...DOCUMENT_ONLY, contentSecurityPolicy: API_CSP }));
  const api = (res: ServerResponse) => {
    for (const [name, value] of apiHeaders) res.setHeader(name, value);
  };
  const consoleHeaders = headersOf(helmet({ ...COMMON, crossOriginOpenerPolicy: { policy: "same-origin" }, contentSecurityPolicy: CONSOLE_CSP }));
  const handler: RequestHandler = (req, res, next) => {
    const path = withoutBasePath(req.path, config.basePath);
    if (isPagePath(path)) {
      res.locals.cspNonce = cspNonce();
      pages(req, res, next);
      return;
    }
    if (isConsolePagePath(path)) {
      for (const [name, value] of consoleHeaders) res.setHeader(name, value);
      next();
      return;
    }
    api(res);
    next();
  };
  return Object.assign(handler, { api });
}

/** The security headers as Express middleware, and the API's (every path but the pages') alone for a request answered ahead of Express. */
export type SecurityHeaders = RequestHandler & { api(res: ServerResponse): void };
