import { parseAadsts } from "@ads-connect/shared";
import pino, { type DestinationStream, type Logger } from "pino";

const REDACTED = "[REDACTED]";

/** Query parameters whose values are secrets (tokens, codes, state) and never reach a log line. */
const SECRET_PARAMS = new Set([
  "code",
  "state",
  "session_state",
  "nonce",
  "connect_session_token",
  "session_token",
  "token",
  "access_token",
  "refresh_token",
  "id_token",
  "client_secret",
  "code_verifier",
  "login_hint",
  // the admin-consent link's token
  "request",
]);

/**
 * Fields whose values are personal data (or Microsoft's free text, which names the account, as
 * AADSTS50020 does): replaced wherever they appear in a log line. Connection ids, our error codes
 * and Microsoft's AADSTS numbers are what logs and alerts carry instead.
 */
const PERSONAL_FIELDS = new Set(
  [
    "email",
    "end_user_email",
    "endUserEmail",
    "username",
    "preferred_username",
    "upn",
    "unique_name",
    "login_hint",
    "display_name",
    "displayName",
    "given_name",
    "family_name",
    "end_user",
    "endUser",
    "end_user_id",
    "endUserId",
    "error_description",
    "description",
  ].map((f) => f.toLowerCase()),
);

const EMAIL = /[\w.%+-]+@[\w-]+(\.[\w-]+)+/g;
/** Microsoft's "AADSTS50020: User account 'ada@…' …" → "AADSTS50020" (the number says it all). */
const AADSTS_TEXT = /\b(AADSTS\d+)\b[\s\S]*/;
const URL_WITH_QUERY = /^(https?:\/\/[^\s?]+|\/[^\s?]*)\?\S*$/;

/** Microsoft's description reduced to its AADSTS number (or nothing). */
function aadstsOnly(description: string): string {
  const aadsts = parseAadsts(description);
  return aadsts === null ? REDACTED : `AADSTS${aadsts}`;
}

export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of new Set(params.keys())) {
    const name = key.toLowerCase();
    if (SECRET_PARAMS.has(name)) params.set(key, REDACTED);
    else if (name === "error_description") params.set(key, aadstsOnly(params.get(key) ?? ""));
  }
  return `${url.slice(0, q)}?${params.toString()}`;
}

/** Free text as it may be logged: secret URL parameters, Microsoft's descriptions and emails removed. */
export function scrubText(text: string): string {
  // Most lines (a request's "GET /connections/… 200") have nothing to scrub: an email needs an @,
  // Microsoft's text an AADSTS number, a URL's parameters a ?.
  if (!text.includes("@") && !text.includes("AADSTS") && !text.includes("?")) return text;
  const url = URL_WITH_QUERY.test(text) ? redactUrl(text) : text;
  return url.replace(AADSTS_TEXT, "$1").replace(EMAIL, "[EMAIL]");
}

const isPlain = (value: object) => {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null || Array.isArray(value);
};

/**
 * A log object with personal fields replaced and text scrubbed, to a small depth. Only plain
 * objects and arrays are walked: requests, responses and errors have serializers of their own.
 */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubText(value);
  if (value === null || typeof value !== "object" || depth > 5 || !isPlain(value)) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = PERSONAL_FIELDS.has(key.toLowerCase()) ? REDACTED : scrub(v, depth + 1);
  return out;
}

/**
 * Errors as logged: name, code and message only (causes can carry response bodies), the message
 * scrubbed. An error's `code` (SQLITE_BUSY, ECONNREFUSED, our error codes) is kept: OAuth codes
 * travel in URLs and query objects, which are redacted where they are.
 */
export function serializeError(err: unknown): unknown {
  // pino-http hands over the standard serializer's output (a plain object with stack and every property).
  if (err === null || typeof err !== "object") return scrub(err);
  const e = err as { name?: unknown; type?: unknown; code?: unknown; message?: unknown };
  return {
    type: err instanceof Error ? err.name : (e.type ?? e.name),
    code: typeof e.code === "string" ? scrubText(e.code) : e.code,
    message: typeof e.message === "string" ? scrubText(e.message) : undefined,
  };
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { service: "ads-connect" },
      // Secrets by name. OAuth codes only where they travel (query strings and query objects):
      // a bare `*.code` would hide every error's code too.
      redact: {
        paths: [
          "*.authorization",
          "*.cookie",
          "*.access_token",
          "*.refresh_token",
          "*.id_token",
          "*.client_secret",
          "*.code_verifier",
          "*.token",
          "access_token",
          "refresh_token",
          "token",
          "query.code",
          "query.state",
          "*.query.code",
          "*.query.state",
        ],
        censor: REDACTED,
      },
      formatters: {
        log: (object) => scrub(object) as Record<string, unknown>,
      },
      hooks: {
        // The message text too: a future `logger.info(\`… ${email}\`)` loses the email.
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === "string" ? scrubText(a) : a)) as Parameters<typeof method>);
        },
      },
      serializers: { err: serializeError },
    },
    destination,
  );
  // A child's bindings are written on each of its lines but skip `formatters.log`: scrub them when
  // the child is made. Children inherit this `child` from the root (pino makes them with Object.create).
  const child = logger.child;
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, scrub(bindings) as typeof bindings, options);
  } as typeof child;
  return logger;
}
