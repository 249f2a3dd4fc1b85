import { existsSync, statSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";
import { httpUrl, onOff, seconds, secret } from "./envSchemaFields.js";
import { JOBS_ENV } from "./envSchemaJobs.js";
import { PROXY_ENV } from "./envSchemaProxy.js";
import { SYNC_ENV } from "./envSchemaSyncs.js";
import { TELEMETRY_ENV } from "./envSchemaTelemetry.js";
import { TENANT } from "./tenant.js";

/** The server's environment variables as read by loadConfig (config.ts): types, defaults and, in `.meta()`, their documentation. */

/** Where this server is reached: may carry a path prefix (`https://example.com/ads-connect`), no query or fragment. */
const publicUrlSchema = httpUrl
  .refine(
    (u) => !u.includes("?") && !u.includes("#"),
    "must be an absolute http(s) URL without a query or fragment (a path prefix like https://example.com/ads-connect is fine)",
  )
  // One spelling for every URL built from it (cookie paths must match what browsers send).
  .transform((u) => {
    const url = new URL(u);
    return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  });

export const isOn = (v: string) => v === "on" || v === "true";

/** `off`, a number of proxy hops, or comma-separated addresses/CIDR ranges (or loopback, linklocal, uniquelocal). */
const trustProxySchema = z
  .string()
  .trim()
  .transform((v, ctx): false | number | string => {
    if (v === "off" || v === "false" || v === "") return false;
    if (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 10) return Number(v);
    const items = v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const ok = items.length > 0 && items.every((item) => ["loopback", "linklocal", "uniquelocal"].includes(item) || isIpOrCidr(item));
    if (ok) return items.join(",");
    ctx.addIssue({
      code: "custom",
      message:
        v === "true" || v === "on"
          ? "trusting every proxy would let any client pick its own IP (X-Forwarded-For) and escape the rate limits; give the number of proxies in front of the server (e.g. 1) or their addresses"
          : "must be off, a number of proxies in front of the server (1-10), or comma-separated addresses/CIDR ranges (or loopback, linklocal, uniquelocal)",
    });
    return z.NEVER;
  });

function isIpOrCidr(value: string): boolean {
  const [address, bits, extra] = value.split("/");
  if (extra !== undefined || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

const origin = z.string().refine((value) => {
  try {
    const u = new URL(value);
    return (u.protocol === "http:" || u.protocol === "https:") && u.origin === value;
  } catch {
    return false;
  }
}, "must be an origin like https://app.example.com (scheme, host and port only, no path or trailing slash)");

/** Microsoft's universal developer token for the Microsoft Advertising sandbox (public, not a secret). */
export const SANDBOX_DEVELOPER_TOKEN = "BBD37VB98";

/**
 * Every environment variable the server reads. Each carries its documentation in `.meta()`:
 * `description` (one line), `secret: true` for values never to log or share, and `unset` when what
 * applies without it is not a plain default. docs/reference/configuration.md is generated from
 * this (`pnpm docs:reference`).
 */
export const EnvSchema = z.object({
  NODE_ENV: z.string().optional().meta({
    description:
      "`production` makes PUBLIC_URL, ALLOWED_ORIGINS and the secrets required and refuses the emulators; anything else is development (secrets generated into DATA_DIR)",
  }),
  PORT: z.coerce.number().int().min(0).max(65535).default(3003).meta({ description: "port to listen on" }),
  HOST: z.string().min(1).default("127.0.0.1").meta({ description: "interface to listen on (`0.0.0.0` to accept remote connections)" }),
  PUBLIC_URL: publicUrlSchema.optional().meta({
    description:
      "URL browsers and Microsoft use to reach the server, with a path prefix if served under one (no query or fragment); the redirect URIs are `$PUBLIC_URL/oauth/callback` and `$PUBLIC_URL/oauth/admin-consent/callback` (required in production)",
    unset: "`http://localhost:$PORT`",
  }),
  ADS_CONNECT_SECRET_KEY: secret.optional().meta({
    description: "product backends send it as `Authorization: Bearer …` (at least 32 characters)",
    secret: true,
    unset: "dev: generated into `$DATA_DIR/secret-key` (unless ADS_CONNECT_SECRET_KEYS is set)",
  }),
  ADS_CONNECT_SECRET_KEYS: z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(secret, { error: "must be comma-separated keys of at least 32 characters each" }).min(1, "must list at least one key"))
    .optional()
    .meta({
      description:
        "more valid secret keys, comma-separated (each at least 32 characters), for a rotation; with ADS_CONNECT_SECRET_KEY they are the valid keys (either alone is enough in production)",
      secret: true,
    }),
  ADS_CONNECT_WEBHOOK_SIGNING_KEY: secret.optional().meta({
    description:
      "HMAC-SHA256 key of `X-Nango-Hmac-Sha256` on every webhook (at least 32 characters); to rotate it, receivers accept the old and the new key for a while",
    secret: true,
    unset: "dev: generated into `$DATA_DIR/webhook-signing-key`",
  }),
  CONSOLE_OPERATOR_KEY: secret.optional().meta({
    description:
      "the operator console's sign-in key (at least 32 characters; its own, never an API secret key): an operator types it at `/console` and gets a session cookie",
    secret: true,
    unset: "the console is off: `/console` says so and its API answers 404",
  }),
  CONSOLE_SESSION_TTL_SECONDS: seconds(60, 7 * 86_400)
    .default(8 * 3600)
    .meta({ description: "how long an operator's console sign-in lasts" }),
  WEBHOOK_URL: httpUrl.optional().meta({ description: "where auth and sync webhooks are POSTed" }),
  ALLOWED_ORIGINS: z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(origin).min(1, "must list at least one origin"))
    .optional()
    .meta({ description: "comma-separated origins of the pages that may open the connect popup (required in production)", unset: "dev: PUBLIC_URL's origin" }),
  DATA_DIR: z.string().min(1).default("./data").meta({ description: "folder of the SQLite database and the development secrets" }),
  DATABASE_FILE: z.string().min(1).optional().meta({ description: "SQLite database file", unset: "`$DATA_DIR/ads-connect.sqlite`" }),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/i, "must be a postgres:// URL (unset it to use the embedded SQLite database)")
    .optional()
    .meta({
      description:
        "`postgres://user:password@host:5432/db` selects PostgreSQL instead of SQLite (several instances can share it); migrations run at start under an advisory lock",
      secret: true,
      unset: "SQLite",
    }),
  DATABASE_POOL_SIZE: seconds(1, 1000).default(10).meta({ description: "most PostgreSQL connections one instance opens" }),
  DATABASE_CONNECT_TIMEOUT_MS: seconds(100, 600_000).default(3000).meta({ description: "how long a request waits for a PostgreSQL connection before failing" }),
  DATABASE_STATEMENT_TIMEOUT_MS: seconds(100, 3_600_000).default(15_000).meta({ description: "longest a PostgreSQL statement may run" }),
  ENCRYPTION_KEYS: z.string().optional().meta({
    description: "keys that encrypt tokens at rest, `id:base64(32 bytes)[,id:key…]`: the first encrypts, all decrypt (rotation)",
    secret: true,
    unset: "dev: generated into `$DATA_DIR/encryption-keys`",
  }),
  MICROSOFT_CLIENT_ID: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "Application (client) ID of your Entra app registration (required)", unset: "`pnpm start`: the emulator's" }),
  MICROSOFT_CLIENT_SECRET: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "a client secret **value** of your Entra app registration (required)", secret: true, unset: "`pnpm start`: the emulator's" }),
  MICROSOFT_TENANT: z
    .string()
    .regex(TENANT, "must be common, organizations, consumers, a tenant id (GUID) or a domain")
    .default("common")
    .meta({ description: "`common`, `organizations`, `consumers`, a tenant id or a verified domain" }),
  MICROSOFT_ADS_ENVIRONMENT: z.enum(["production", "sandbox"]).default("production").meta({
    description:
      "Microsoft Advertising's environment, scope and API hosts together: `sandbox` requests `https://si.ads.microsoft.com/msads.manage` and calls the `*.api.sandbox.bingads.microsoft.com` hosts",
  }),
  ENTRA_EMULATOR_URL: httpUrl.optional().meta({
    description: "send all `login.microsoftonline.com` traffic to the local Entra emulator (development and tests only; refused in production)",
    unset: "`pnpm start`: the emulator's",
  }),
  ENTRA_TIMEOUT_MS: seconds(100, 120_000).default(15_000).meta({
    description:
      "how long one request to Microsoft Entra (discovery, token endpoint) may take; past it the request counts as a temporary failure (retried, `503 provider_temporarily_unavailable`, the connection untouched)",
  }),
  MICROSOFT_ADS_DEVELOPER_TOKEN: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, "must be a Microsoft Advertising developer token (letters and digits, as shown in the Developer Portal)")
    .optional()
    .meta({
      description:
        "your developer token (Microsoft Advertising Developer Portal), sent as `DeveloperToken` on every Microsoft Advertising call; never logged or returned (required in production)",
      secret: true,
      unset: "dev: the sandbox's universal token `BBD37VB98`",
    }),
  MICROSOFT_ADS_API_URL: httpUrl.optional().meta({
    description: "one base URL that stands in for every Microsoft Advertising host, the path kept (development and tests only; refused in production)",
    unset: "`pnpm start`: the local Microsoft Advertising emulator's",
  }),
  ...SYNC_ENV,
  ACCOUNT_PICKER_TTL_SECONDS: seconds(1, 3600)
    .default(600)
    .meta({ description: "how long the popup's account picker waits for a choice; the held creation webhook goes out at this deadline without a selection" }),
  ACCOUNT_PICKER_STRINGS_FILE: z.string().trim().min(1).optional().meta({
    description: "JSON file overriding the account picker's texts in one language (its `lang` key, else English); PAGE_STRINGS_FILE covers every page",
    unset: "the built-in texts",
  }),
  PAGE_STRINGS_FILE: z.string().trim().min(1).optional().meta({
    description:
      'JSON file overriding any text of the popup\'s and the administrator\'s pages, per language (`{ "de": { "continue": "Los" } }`; keys in docs/languages.md)',
    unset: "the built-in texts (en, de, fr, es, ja, ar)",
  }),
  ACTIONS_DIR: z
    .string()
    .trim()
    .min(1)
    .transform((v) => path.resolve(v))
    .refine((dir) => existsSync(dir) && statSync(dir).isDirectory(), "must be an existing folder of action modules (.ts, .mjs, .js)")
    .optional()
    .meta({ description: "a folder of your own action modules (`.ts`, `.mts`, `.js`, `.mjs`) loaded at start", unset: "pre-built actions only" }),
  MICROSOFT_CLIENT_SECRET_EXPIRES_AT: z
    .string()
    .regex(
      /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/,
      "must be a date like 2027-05-31 (or an ISO timestamp), as shown under Certificates & secrets in Entra",
    )
    .transform((v) => Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v))
    .refine((ms) => Number.isFinite(ms), "must be a real date")
    .optional()
    .meta({ description: "the client secret's expiry date (`2027-05-31`) as shown in Entra; the status API and the doctor warn 30 days ahead" }),
  ...PROXY_ENV,
  PRODUCT_NAME: z.string().trim().min(1).max(100).optional().meta({
    description: 'your product\'s name on the popup\'s pages ("Acme Ads Reporting wants to connect…", "Choose which account Acme Ads Reporting may use.")',
    unset: '"this app" in the page\'s language',
  }),
  ADMIN_CONSENT_LINK_TTL_SECONDS: seconds(60, 90 * 86_400)
    .default(7 * 86_400)
    .meta({ description: "lifetime of an admin-consent link a blocked user sends to their administrator" }),
  CONNECT_SESSION_TTL_SECONDS: seconds(1, 86_400).default(1800).meta({ description: "lifetime of a connect session" }),
  OAUTH_ATTEMPT_TTL_SECONDS: seconds(1, 3600).default(600).meta({ description: "lifetime of one sign-in attempt" }),
  TOKEN_MIN_VALIDITY_SECONDS: seconds(0, 3000).default(300).meta({ description: "a served access token is valid at least this long (refreshed otherwise)" }),
  MAX_ATTEMPTS_PER_SESSION: seconds(1, 1000)
    .default(20)
    .meta({ description: "sign-in attempts one connect session may start; more shows `too_many_attempts` and stores nothing" }),
  TRUST_PROXY: trustProxySchema.default(false).meta({
    description:
      "proxies in front of the server whose `X-Forwarded-For` is believed (for per-IP rate limits): `off`, a hop count (`1`) or addresses/CIDR ranges (`10.0.0.0/8,loopback`); `true` is refused",
    unset: "`off`",
  }),
  RATE_LIMIT: onOff.default("on").meta({ description: "rate limits on every public endpoint but `/health` (`off` to disable)" }),
  RATE_LIMIT_WINDOW_SECONDS: seconds(1, 86_400).default(60).meta({ description: "the window the rate limits count in" }),
  RATE_LIMIT_BROWSER: seconds(1, 1_000_000)
    .default(120)
    .meta({ description: "popup and admin-consent page loads per client IP per window (also API requests without a valid secret key)" }),
  RATE_LIMIT_SESSION_STATUS: seconds(1, 1_000_000)
    .default(600)
    .meta({ description: "the widget's session status polls per client IP per window (a widget polls once a second)" }),
  RATE_LIMIT_API: seconds(1, 10_000_000)
    .default(3000)
    .meta({ description: "product-backend API requests per window (all valid secret keys together; across all instances on PostgreSQL)" }),
  RATE_LIMIT_CONSOLE: seconds(1, 1_000_000).default(600).meta({ description: "operator console requests (pages, files and its API) per client IP per window" }),
  RATE_LIMIT_CONSOLE_SIGN_IN: seconds(1, 1000).default(10).meta({ description: "operator console sign-in tries per client IP per window" }),
  RATE_LIMIT_STORE: z.enum(["database", "memory"], { error: "must be database or memory" }).default("database").meta({
    description:
      "on PostgreSQL, where the limits count: `database` (shared by every instance: each adds its counts every 250 ms, so a limit can be exceeded by at most the deployment's requests in about 250 ms) or `memory` (each process alone, so N instances allow N times each limit); SQLite always counts in memory",
  }),
  ...JOBS_ENV,
  ...TELEMETRY_ENV,
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default("info")
    .meta({ description: "log level; log lines (JSON) go to standard output" }),
});
