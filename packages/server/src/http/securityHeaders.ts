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

/** What pages and API responses share (everything but the CSP). */
const COMMON: HelmetOptions = {
  // The popup must keep its opener to post the result back; COOP here would cut it.
  crossOriginOpenerPolicy: false,
  referrerPolicy: { policy: "no-referrer" },
};

/**
 * A strict CSP for everything that is not a page (JSON, and the JSON 404 for unknown paths): it
 * loads nothing, runs nothing, is framed nowhere. Static, so no nonce.
 */
const API_CSP: HelmetOptions["contentSecurityPolicy"] = {
  useDefaults: false,
  directives: { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] },
};

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
  const apiHeaders = headersOf(helmet({ ...COMMON, contentSecurityPolicy: API_CSP }));
  const api = (res: ServerResponse) => {
    for (const [name, value] of apiHeaders) res.setHeader(name, value);
  };
  const handler: RequestHandler = (req, res, next) => {
    if (isPagePath(withoutBasePath(req.path, config.basePath))) {
      res.locals.cspNonce = cspNonce();
      pages(req, res, next);
      return;
    }
    api(res);
    next();
  };
  return Object.assign(handler, { api });
}

/** The security headers as Express middleware, and the API's (every path but the pages') alone for a request answered ahead of Express. */
export type SecurityHeaders = RequestHandler & { api(res: ServerResponse): void };
