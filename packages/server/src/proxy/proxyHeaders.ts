import { AppError } from "../errors.js";

/** Nango's prefix for the caller's own headers to the provider (`headers` of `nango.proxy`). */
export const FORWARD_PREFIX = "nango-proxy-";

/**
 * Headers a caller may never set on a call to Microsoft: the credentials the proxy injects, cookies,
 * the host and forwarding headers, hop-by-hop and framing headers, and the proxy's own controls.
 */
const FORBIDDEN = new Set([
  "authorization",
  "developertoken",
  "customerid",
  "customeraccountid",
  "password",
  "username",
  "cookie",
  "host",
  "forwarded",
  "via",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "expect",
  "content-length",
  "connection-id",
  "provider-config-key",
  "retries",
  "retry-on",
  "base-url-override",
  "customer-id",
  "account-id",
  "decompress",
]);
const FORBIDDEN_PREFIXES = ["x-forwarded-", "proxy-", "nango-", "x-real-ip", "x-original-", "sec-"];

const isForbidden = (name: string) => FORBIDDEN.has(name) || FORBIDDEN_PREFIXES.some((p) => name.startsWith(p));

/**
 * The caller's headers for Microsoft out of a `/proxy` request (Nango's shape): `Nango-Proxy-<Name>`
 * ones without the prefix, plus Content-Type and Accept. Anything else the caller sent (its
 * Authorization with the secret key, cookies, forwarding headers) stays here.
 */
export function nangoProxyHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const name = rawName.toLowerCase();
    const text = Array.isArray(value) ? value.join(", ") : value;
    if (name === "content-type" || name === "accept") out[name] = text;
    else if (name.startsWith(FORWARD_PREFIX)) out[name.slice(FORWARD_PREFIX.length)] = text;
  }
  return out;
}

/**
 * The caller's headers, lower-cased, once checked: a header naming a credential, cookie, host,
 * forwarding or hop-by-hop header or a proxy control is refused (400), never silently dropped or
 * passed on. The proxy sets Authorization, DeveloperToken, CustomerId and CustomerAccountId itself.
 */
export function checkCallerHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name) || isForbidden(name)) {
      throw new AppError(
        "proxy_refused",
        `The header ${rawName} may not be sent through the proxy: it sets credentials, customer and account itself (use Customer-Id / Account-Id to pick another account) and never forwards cookies, host or forwarding headers`,
        400,
      );
    }
    if (/[\r\n\0]/.test(value)) throw new AppError("proxy_refused", `The header ${rawName} has a line break in its value`, 400);
    out[name] = value;
  }
  return out;
}

/**
 * The only response headers passed back to the caller, by name (an allow-list, never a prefix): what
 * describes the body (Content-Length and -Encoding excepted: the body is re-framed and decoded),
 * Microsoft's tracking ids to quote to its support, Retry-After and caching. Anything else
 * (Content-Security-Policy and other security headers, Set-Cookie, WWW-Authenticate, Server,
 * CORS, hop-by-hop…) is dropped: the server's own headers always stand.
 */
export const PASSED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  "content-type",
  "content-disposition",
  "content-language",
  "content-range",
  "trackingid",
  "x-ms-request-id",
  "request-id",
  "retry-after",
  "etag",
  "last-modified",
  "cache-control",
  "expires",
]);

/** Microsoft's response headers safe to pass on (PASSED_RESPONSE_HEADERS), lower-cased. */
export function keptResponseHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, rawName) => {
    const name = rawName.toLowerCase();
    if (PASSED_RESPONSE_HEADERS.has(name)) out[name] = value;
  });
  return out;
}
