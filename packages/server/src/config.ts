import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";
import { TENANT } from "./tenant.js";

export interface EncryptionKey {
  id: string;
  key: Uint8Array;
}

export interface Config {
  port: number;
  host: string;
  /** Where browsers and Entra reach this server, without a trailing slash. */
  publicUrl: string;
  /** PUBLIC_URL's path (`/prefix`), or "" at the root; routes answer with and without it. */
  basePath: string;
  /** Every valid API secret key (ADS_CONNECT_SECRET_KEY and ADS_CONNECT_SECRET_KEYS): several during a rotation. */
  secretKeys: string[];
  /** The first of `secretKeys`: the one the server's own tools (demo stack, e2e) call the API with. */
  secretKey: string;
  /** Signs every webhook; receivers accept the old and the new key while it is rotated (docs/tokens-and-webhooks.md). */
  webhookSigningKey: string;
  webhookUrl: string | null;
  allowedOrigins: string[];
  databaseFile: string;
  /** A postgres:// URL selects PostgreSQL (several instances can share it); null keeps SQLite at `databaseFile`. */
  databaseUrl: string | null;
  databasePool: { size: number; connectTimeoutMs: number; statementTimeoutMs: number };
  /** First key encrypts; all of them decrypt (rotation). */
  encryptionKeys: EncryptionKey[];
  microsoft: {
    clientId: string;
    clientSecret: string;
    tenant: string;
    /** Microsoft Advertising's production or sandbox: picks the OAuth scope and the API hosts together. */
    adsEnvironment: "production" | "sandbox";
    /** Sent as `DeveloperToken` on every Microsoft Advertising call. A secret: never logged or returned. */
    adsDeveloperToken: string;
    /** When set, stands in for every Microsoft Advertising API host (the path kept): the local emulator. */
    adsApiUrl: string | null;
    /** When set, every request to login.microsoftonline.com goes to this emulator instead. */
    emulatorUrl: string | null;
    /** How long one request to Entra (discovery, token endpoint) may take before it counts as unanswered (a temporary failure). */
    timeoutMs: number;
    /** The client secret's expiry (epoch ms) as shown in Entra, when configured; status and doctor warn ahead of it. */
    clientSecretExpiresAt: number | null;
  };
  /** How often each connection's Microsoft Advertising accounts are synced. */
  accountSync: { enabled: boolean; intervalSeconds: number };
  accountPicker: {
    /** How long the popup's account picker waits for a choice; the held creation webhook goes out then. */
    ttlSeconds: number;
    /** JSON file overriding the picker's texts (translation); null keeps English. */
    stringsFile: string | null;
  };
  /** Folder of the product team's action modules (.ts/.mjs/.js) loaded at start; null: pre-built actions only. */
  actionsDir: string | null;
  /** The proxy to Microsoft Advertising (`/proxy/*` and actions). */
  proxy: {
    /** Largest request body sent on (413 before anything is sent). */
    maxRequestBytes: number;
    /** Largest response passed back (502 proxy_response_too_large). */
    maxResponseBytes: number;
    /** One proxied call's total time, retries and token refresh included. */
    timeoutMs: number;
    /** How long a customer's calls are held after Microsoft's 117 CallRateExceeded (its window is 60 s). */
    throttleHoldSeconds: number;
    /** How long after a 429 without 117 and without Retry-After (a short pause: it is no call-rate window). */
    http429HoldSeconds: number;
    /** Longest hold whatever Microsoft's Retry-After says (a hostile or broken one could ask for a century). */
    maxHoldSeconds: number;
    /** First retry delay of 5xx/network retries (doubled each retry, with jitter). */
    retryBaseMs: number;
  };
  /** get-performance-report's download of the zipped CSV (the poll answer's ReportDownloadUrl). */
  reportDownload: {
    /** Hosts allowed besides Microsoft's (https only); for a report host Microsoft adds before this server knows it. */
    extraHosts: string[];
    /** Largest download (the ZIP) read; past it 502 report_too_large. */
    maxDownloadBytes: number;
    /** Largest decompressed CSV read (a zip bomb stops here); past it 502 report_too_large. */
    maxCsvBytes: number;
    /** One download's total time, redirects and parsing included. */
    timeoutMs: number;
  };
  /** The product's name on the page that asks a person to confirm a connect link ("<name> wants to connect…"). */
  productName: string;
  /** How long an admin-consent link a blocked user sends to their administrator stays usable. */
  adminConsentLinkTtlSeconds: number;
  connectSessionTtlSeconds: number;
  attemptTtlSeconds: number;
  /** Sign-in attempts one connect session may start; beyond it the popup shows too_many_attempts. */
  maxAttemptsPerSession: number;
  /** Express's `trust proxy`: false, a hop count, or addresses/ranges of trusted proxies. */
  trustProxy: false | number | string;
  rateLimit: {
    enabled: boolean;
    windowSeconds: number;
    /** Popup and admin-consent pages per client IP per window (also API requests without a valid key). */
    browser: number;
    /** The widget's session status polls per client IP per window. */
    sessionStatus: number;
    /** Product-backend API requests per window (all valid secret keys together). */
    api: number;
    /** `database`: counted in PostgreSQL, shared by every instance; `memory`: each process counts alone. SQLite always counts in memory. */
    store: "database" | "memory";
  };
  prune: {
    enabled: boolean;
    intervalSeconds: number;
    /** Expired connect sessions (with their attempts) and admin-consent links are kept this long past expiry. */
    retentionDays: number;
    /** Delivered or abandoned webhooks, with their delivery attempts. */
    webhookRetentionDays: number;
    /** Integration events (the newest of each kind is always kept). */
    eventRetentionDays: number;
  };
  /** A served access token stays valid at least this long. */
  tokenMinValiditySeconds: number;
  refreshAhead: {
    enabled: boolean;
    /** How often the job looks for connections to refresh. */
    intervalSeconds: number;
    /** Refresh a connection whose refresh token has not been used for this long (Entra drops idle ones after 90 days). */
    touchIdleAfterSeconds: number;
    /** Access tokens are kept ahead of expiry only for connections read within this window. */
    activeWindowSeconds: number;
    /** Refreshes one pass runs at the same time (still within the token request rate). */
    concurrency: number;
  };
  /** App-wide cap on background token requests to Microsoft, shared by every instance on the database. */
  tokenRequestsPerMinute: number;
  /** Tries of one refresh when Microsoft answers 429/5xx or does not answer. */
  refreshMaxTries: number;
  /** How long one instance's refresh lease on a connection lasts without renewal (a dead holder blocks others at most this long). */
  refreshLeaseSeconds: number;
  webhookDelivery: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  slack: { webhookUrl: string | null; dedupSeconds: number };
  /** Consecutive transient refresh failures of one connection before an alert. */
  transientAlertThreshold: number;
  logLevel: string;
  production: boolean;
  /** How long a graceful stop waits for requests in flight and job passes before dropping them. */
  shutdownTimeoutSeconds: number;
}

/** Invalid settings. Not an AppError: raised before any server listens (the CLI and doctor print its problems). */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" }).transform((u) => u.replace(/\/+$/, ""));

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

const onOff = z.enum(["on", "off", "true", "false"], { error: "must be on or off" });
const isOn = (v: string) => v === "on" || v === "true";
const days = z.coerce.number().min(0, "must be 0 or more days").max(3650);

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

const secret = z.string().min(32, "must be at least 32 characters");
const seconds = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

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
  ACCOUNT_SYNC: onOff
    .default("on")
    .meta({ description: "the scheduled account sync (`off` to disable; discovery after connect and `POST /connections/:id/sync` still run)" }),
  ACCOUNT_SYNC_INTERVAL_SECONDS: seconds(60, 30 * 86_400)
    .default(6 * 3600)
    .meta({ description: "how often each connection's Microsoft Advertising accounts are synced" }),
  ACCOUNT_PICKER_TTL_SECONDS: seconds(1, 3600)
    .default(600)
    .meta({ description: "how long the popup's account picker waits for a choice; the held creation webhook goes out at this deadline without a selection" }),
  ACCOUNT_PICKER_STRINGS_FILE: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({ description: "JSON file overriding (translating) the account picker's texts", unset: "English texts" }),
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
  PROXY_MAX_REQUEST_BYTES: seconds(1024, 100 * 1024 * 1024)
    .default(10 * 1024 * 1024)
    .meta({ description: "largest request body the proxy sends on (larger: 413 before anything is sent)" }),
  PROXY_MAX_RESPONSE_BYTES: seconds(1024, 1024 * 1024 * 1024)
    .default(100 * 1024 * 1024)
    .meta({ description: "largest answer the proxy passes back (JSON read whole, files streamed and cut; past it 502 `proxy_response_too_large`)" }),
  PROXY_TIMEOUT_SECONDS: seconds(1, 600)
    .default(120)
    .meta({ description: "one proxied call's total time: request body, token refresh, retries (then 504 `msads_timeout`)" }),
  PROXY_THROTTLE_HOLD_SECONDS: seconds(1, 600).default(60).meta({
    description: "after Microsoft's 117 CallRateExceeded, how long the proxy answers 429 for that customer without calling Microsoft (all instances)",
  }),
  PROXY_429_HOLD_SECONDS: seconds(1, 600)
    .default(5)
    .meta({ description: "after a 429 without 117 and without `Retry-After`, how long that customer's calls are held" }),
  PROXY_MAX_HOLD_SECONDS: seconds(1, 86_400).default(900).meta({ description: "longest hold of a customer's calls, whatever Microsoft's `Retry-After` says" }),
  PROXY_RETRY_BASE_MS: seconds(10, 60_000)
    .default(500)
    .meta({ description: "first delay of the proxy's 5xx/network retries (doubled each retry, plus jitter)" }),
  REPORT_DOWNLOAD_HOSTS: z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
            "must be comma-separated host names like reports.example.com (no scheme, port or path; https is implied)",
          ),
      ),
    )
    .optional()
    .meta({
      description:
        "more https hosts (exact names) `get-performance-report` may download reports from, besides Microsoft's; for a report host Microsoft adds before this server knows it",
    }),
  REPORT_MAX_DOWNLOAD_BYTES: seconds(1024, 4 * 1024 * 1024 * 1024)
    .default(512 * 1024 * 1024)
    .meta({ description: "largest report download (the ZIP) read, counted while streaming (past it 502 `report_too_large`)" }),
  REPORT_MAX_CSV_BYTES: seconds(1024, 16 * 1024 * 1024 * 1024)
    .default(2 * 1024 * 1024 * 1024)
    .meta({ description: "largest decompressed report CSV read (a zip bomb stops here: 502 `report_too_large`)" }),
  REPORT_DOWNLOAD_TIMEOUT_SECONDS: seconds(1, 3600)
    .default(300)
    .meta({ description: "one report download's total time, redirects and parsing included (then 504 `msads_timeout`)" }),
  PRODUCT_NAME: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .default("This app")
    .meta({ description: 'your product\'s name on the page that asks a person to confirm a connect link ("Acme Ads Reporting wants to connect…")' }),
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
  RATE_LIMIT_STORE: z.enum(["database", "memory"], { error: "must be database or memory" }).default("database").meta({
    description:
      "on PostgreSQL, where the limits count: `database` (shared by every instance: each adds its counts every 250 ms, so a limit can be exceeded by at most the deployment's requests in about 250 ms) or `memory` (each process alone, so N instances allow N times each limit); SQLite always counts in memory",
  }),
  PRUNE: onOff.default("on").meta({ description: "the pruning job (`off` to disable)" }),
  PRUNE_INTERVAL_SECONDS: seconds(1, 86_400).default(3600).meta({ description: "how often the pruning job runs (first pass at most 30 s after start)" }),
  RETENTION_DAYS: days.default(30).meta({
    description: "expired connect sessions (with their attempts) and admin-consent links are deleted this long after they expire (`0`: at the next pass)",
  }),
  WEBHOOK_RETENTION_DAYS: days
    .optional()
    .meta({ description: "delivered or abandoned webhooks (and their delivery attempts) are deleted this long after", unset: "`$RETENTION_DAYS`" }),
  EVENT_RETENTION_DAYS: days
    .optional()
    .meta({ description: "integration events older than this are deleted (the newest of each kind stays)", unset: "`$RETENTION_DAYS`" }),
  REFRESH_AHEAD: onOff.default("on").meta({ description: "background refresh of expiring and idle connections (`off` to disable)" }),
  REFRESH_AHEAD_INTERVAL_SECONDS: seconds(1, 3600).default(60).meta({ description: "how often the background refresh looks for work" }),
  REFRESH_IDLE_AFTER_SECONDS: seconds(60, 80 * 86_400)
    .default(14 * 86_400)
    .meta({
      description: "keep-alive: a connection nobody reads is refreshed once per this period, well before Entra drops refresh tokens unused for 90 days",
    }),
  REFRESH_ACTIVE_WINDOW_SECONDS: seconds(60, 30 * 86_400)
    .default(2 * 3600)
    .meta({ description: "access tokens are refreshed ahead of expiry only for connections read within this window; others refresh on their next read" }),
  REFRESH_AHEAD_CONCURRENCY: seconds(1, 64).default(4).meta({ description: "refreshes one background pass runs at the same time" }),
  TOKEN_REQUESTS_PER_MINUTE: seconds(1, 1_000_000).default(300).meta({
    description:
      "app-wide cap on background token requests to Microsoft, shared by every instance on the database (refreshes for a waiting reader are counted, never refused)",
  }),
  REFRESH_MAX_TRIES: seconds(1, 10).default(4).meta({ description: "tries of one refresh on 429/5xx/timeouts" }),
  REFRESH_LEASE_SECONDS: seconds(1, 600).default(10).meta({
    description:
      "instances sharing a database refresh a connection one at a time under a lease; a lease left by a crashed instance blocks the others at most this long",
  }),
  WEBHOOK_MAX_ATTEMPTS: seconds(1, 100).default(12).meta({ description: "deliveries of one webhook event before giving up" }),
  WEBHOOK_RETRY_BASE_MS: seconds(10, 3_600_000)
    .default(1000)
    .meta({ description: "first delay of the exponential backoff (with jitter) between webhook deliveries" }),
  WEBHOOK_RETRY_MAX_MS: seconds(100, 86_400_000).default(3_600_000).meta({ description: "longest delay between webhook deliveries" }),
  SLACK_WEBHOOK_URL: httpUrl
    .optional()
    .meta({ description: "Slack incoming webhook for alerts (dead grants, configuration errors, repeated failures, recoveries)", secret: true }),
  ALERT_DEDUP_SECONDS: seconds(0, 7 * 86_400)
    .default(3600)
    .meta({ description: "the same alert is sent at most once per this window, counted from when Slack accepted it" }),
  TRANSIENT_ALERT_THRESHOLD: seconds(1, 1000)
    .default(3)
    .meta({ description: "consecutive transient refresh failures of a connection before a webhook and an alert" }),
  SHUTDOWN_TIMEOUT_SECONDS: seconds(1, 600)
    .default(20)
    .meta({ description: "on `SIGTERM`/`SIGINT`, how long requests in flight and job passes may take to finish before they are dropped" }),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default("info")
    .meta({ description: "log level; log lines (JSON) go to standard output" }),
});

/**
 * Reads and checks the configuration once. Outside production, missing secrets get dev defaults
 * (generated once and kept under DATA_DIR); each default is reported through `announce` so nobody
 * runs on one without knowing. Values of secrets never appear in messages.
 */
export function loadConfig(env: Record<string, string | undefined>, announce: (message: string) => void = () => {}): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  const problems: string[] = [];
  const dataDir = path.resolve(e.DATA_DIR);
  const publicUrl = e.PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  if (!e.PUBLIC_URL) {
    if (production) problems.push("PUBLIC_URL: required in production (the URL browsers and Microsoft use to reach this server)");
    else announce(`PUBLIC_URL not set: using ${publicUrl}`);
  }

  const devSecret = (name: string, file: string, value: string | undefined): string => {
    if (value) return value;
    if (production) {
      problems.push(`${name}: required in production (at least 32 random characters)`);
      return "";
    }
    const generated = readOrCreate(path.join(dataDir, file), () => randomBytes(32).toString("base64url"));
    announce(`${name} not set: using a generated development value stored in ${path.join(dataDir, file)}`);
    return generated;
  };
  // Both settings together are the valid keys (rotation: add the new one, move the backend, drop the old one).
  const listedKeys = e.ADS_CONNECT_SECRET_KEYS ?? [];
  const secretKeys = [
    ...new Set([
      ...(e.ADS_CONNECT_SECRET_KEY || listedKeys.length === 0 ? [devSecret("ADS_CONNECT_SECRET_KEY", "secret-key", e.ADS_CONNECT_SECRET_KEY)] : []),
      ...listedKeys,
    ]),
  ].filter(Boolean);
  const webhookSigningKey = devSecret("ADS_CONNECT_WEBHOOK_SIGNING_KEY", "webhook-signing-key", e.ADS_CONNECT_WEBHOOK_SIGNING_KEY);

  let encryptionKeys: EncryptionKey[] = [];
  if (e.ENCRYPTION_KEYS) {
    const keys = parseEncryptionKeys(e.ENCRYPTION_KEYS);
    if (typeof keys === "string") problems.push(`ENCRYPTION_KEYS: ${keys}`);
    else encryptionKeys = keys;
  } else if (production) {
    problems.push("ENCRYPTION_KEYS: required in production, e.g. k1:<base64 of 32 random bytes>");
  } else {
    const file = path.join(dataDir, "encryption-keys");
    const keys = parseEncryptionKeys(readOrCreate(file, () => `dev1:${randomBytes(32).toString("base64")}`));
    if (typeof keys === "string") problems.push(`${file}: ${keys}`);
    else encryptionKeys = keys;
    announce(`ENCRYPTION_KEYS not set: tokens are encrypted with a generated development key stored in ${file}`);
  }

  const allowedOrigins = e.ALLOWED_ORIGINS ?? [new URL(publicUrl).origin];
  if (!e.ALLOWED_ORIGINS) {
    if (production) problems.push("ALLOWED_ORIGINS: required in production (comma-separated origins of the pages that embed the widget)");
    else announce(`ALLOWED_ORIGINS not set: only ${allowedOrigins[0]} may open the connect popup`);
  }

  if (!e.MICROSOFT_CLIENT_ID)
    problems.push("MICROSOFT_CLIENT_ID: required (the Application (client) ID of your Entra app registration; `pnpm start` sets the emulator's)");
  if (!e.MICROSOFT_CLIENT_SECRET) problems.push("MICROSOFT_CLIENT_SECRET: required (a client secret value of your Entra app registration)");
  if (e.ENTRA_EMULATOR_URL) {
    if (production) problems.push("ENTRA_EMULATOR_URL: the Entra emulator is for development and tests only; unset it in production");
    else announce(`ENTRA_EMULATOR_URL set: Microsoft sign-in is served by the local Entra emulator at ${e.ENTRA_EMULATOR_URL}`);
  }
  if (e.MICROSOFT_ADS_API_URL) {
    if (production) problems.push("MICROSOFT_ADS_API_URL: the Microsoft Advertising emulator is for development and tests only; unset it in production");
    else announce(`MICROSOFT_ADS_API_URL set: Microsoft Advertising API calls go to ${e.MICROSOFT_ADS_API_URL}`);
  } else if (e.ENTRA_EMULATOR_URL && !production) {
    announce(
      "ENTRA_EMULATOR_URL without MICROSOFT_ADS_API_URL: the emulator's tokens mean nothing to Microsoft Advertising, so account discovery is off (each connection gets accounts_error msads_not_configured); run the Microsoft Advertising emulator (npx msads-emulator) and set MICROSOFT_ADS_API_URL",
    );
  }
  let adsDeveloperToken = e.MICROSOFT_ADS_DEVELOPER_TOKEN ?? "";
  if (!adsDeveloperToken) {
    if (production)
      problems.push("MICROSOFT_ADS_DEVELOPER_TOKEN: required in production (your developer token from the Microsoft Advertising Developer Portal)");
    else {
      adsDeveloperToken = SANDBOX_DEVELOPER_TOKEN;
      announce("MICROSOFT_ADS_DEVELOPER_TOKEN not set: using the sandbox's universal developer token (works with the sandbox and the local emulator only)");
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    basePath: basePathOf(publicUrl),
    secretKeys,
    secretKey: secretKeys[0] ?? "",
    webhookSigningKey,
    webhookUrl: e.WEBHOOK_URL ?? null,
    refreshAhead: {
      enabled: isOn(e.REFRESH_AHEAD),
      intervalSeconds: e.REFRESH_AHEAD_INTERVAL_SECONDS,
      touchIdleAfterSeconds: e.REFRESH_IDLE_AFTER_SECONDS,
      activeWindowSeconds: e.REFRESH_ACTIVE_WINDOW_SECONDS,
      concurrency: e.REFRESH_AHEAD_CONCURRENCY,
    },
    tokenRequestsPerMinute: e.TOKEN_REQUESTS_PER_MINUTE,
    refreshMaxTries: e.REFRESH_MAX_TRIES,
    refreshLeaseSeconds: e.REFRESH_LEASE_SECONDS,
    webhookDelivery: { maxAttempts: e.WEBHOOK_MAX_ATTEMPTS, baseDelayMs: e.WEBHOOK_RETRY_BASE_MS, maxDelayMs: e.WEBHOOK_RETRY_MAX_MS },
    slack: { webhookUrl: e.SLACK_WEBHOOK_URL ?? null, dedupSeconds: e.ALERT_DEDUP_SECONDS },
    transientAlertThreshold: e.TRANSIENT_ALERT_THRESHOLD,
    allowedOrigins,
    databaseFile: e.DATABASE_FILE ? path.resolve(e.DATABASE_FILE) : path.join(dataDir, "ads-connect.sqlite"),
    databaseUrl: e.DATABASE_URL || null,
    databasePool: {
      size: e.DATABASE_POOL_SIZE,
      connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    },
    encryptionKeys,
    microsoft: {
      clientId: e.MICROSOFT_CLIENT_ID ?? "",
      clientSecret: e.MICROSOFT_CLIENT_SECRET ?? "",
      tenant: e.MICROSOFT_TENANT,
      adsEnvironment: e.MICROSOFT_ADS_ENVIRONMENT,
      emulatorUrl: e.ENTRA_EMULATOR_URL ?? null,
      timeoutMs: e.ENTRA_TIMEOUT_MS,
      adsDeveloperToken,
      adsApiUrl: e.MICROSOFT_ADS_API_URL ?? null,
      clientSecretExpiresAt: e.MICROSOFT_CLIENT_SECRET_EXPIRES_AT ?? null,
    },
    accountSync: { enabled: isOn(e.ACCOUNT_SYNC), intervalSeconds: e.ACCOUNT_SYNC_INTERVAL_SECONDS },
    accountPicker: {
      ttlSeconds: e.ACCOUNT_PICKER_TTL_SECONDS,
      stringsFile: e.ACCOUNT_PICKER_STRINGS_FILE ? path.resolve(e.ACCOUNT_PICKER_STRINGS_FILE) : null,
    },
    actionsDir: e.ACTIONS_DIR ?? null,
    proxy: {
      maxRequestBytes: e.PROXY_MAX_REQUEST_BYTES,
      maxResponseBytes: e.PROXY_MAX_RESPONSE_BYTES,
      timeoutMs: e.PROXY_TIMEOUT_SECONDS * 1000,
      throttleHoldSeconds: e.PROXY_THROTTLE_HOLD_SECONDS,
      http429HoldSeconds: e.PROXY_429_HOLD_SECONDS,
      maxHoldSeconds: e.PROXY_MAX_HOLD_SECONDS,
      retryBaseMs: e.PROXY_RETRY_BASE_MS,
    },
    reportDownload: {
      extraHosts: e.REPORT_DOWNLOAD_HOSTS ?? [],
      maxDownloadBytes: e.REPORT_MAX_DOWNLOAD_BYTES,
      maxCsvBytes: e.REPORT_MAX_CSV_BYTES,
      timeoutMs: e.REPORT_DOWNLOAD_TIMEOUT_SECONDS * 1000,
    },
    productName: e.PRODUCT_NAME,
    adminConsentLinkTtlSeconds: e.ADMIN_CONSENT_LINK_TTL_SECONDS,
    connectSessionTtlSeconds: e.CONNECT_SESSION_TTL_SECONDS,
    attemptTtlSeconds: e.OAUTH_ATTEMPT_TTL_SECONDS,
    maxAttemptsPerSession: e.MAX_ATTEMPTS_PER_SESSION,
    trustProxy: e.TRUST_PROXY,
    rateLimit: {
      enabled: isOn(e.RATE_LIMIT),
      windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      browser: e.RATE_LIMIT_BROWSER,
      sessionStatus: e.RATE_LIMIT_SESSION_STATUS,
      api: e.RATE_LIMIT_API,
      store: e.RATE_LIMIT_STORE,
    },
    prune: {
      enabled: isOn(e.PRUNE),
      intervalSeconds: e.PRUNE_INTERVAL_SECONDS,
      retentionDays: e.RETENTION_DAYS,
      webhookRetentionDays: e.WEBHOOK_RETENTION_DAYS ?? e.RETENTION_DAYS,
      eventRetentionDays: e.EVENT_RETENTION_DAYS ?? e.RETENTION_DAYS,
    },
    tokenMinValiditySeconds: e.TOKEN_MIN_VALIDITY_SECONDS,
    logLevel: e.LOG_LEVEL,
    production,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
  };
}

/** The path part of PUBLIC_URL without its trailing slash: "" at the root, else like `/prefix`. */
export function basePathOf(publicUrl: string): string {
  return new URL(publicUrl).pathname.replace(/\/+$/, "");
}

/** `id:base64key[,id:base64key…]`, each key exactly 32 bytes (AES-256). */
function parseEncryptionKeys(value: string): EncryptionKey[] | string {
  const keys: EncryptionKey[] = [];
  for (const item of value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=_-]+)$/.exec(item);
    if (!match) return "each entry must look like <id>:<base64 of 32 bytes>";
    const key = Buffer.from(match[2]!, "base64");
    if (key.length !== 32) return `key "${match[1]}" must be 32 bytes once base64-decoded (got ${key.length})`;
    if (keys.some((k) => k.id === match[1])) return `key id "${match[1]}" appears twice`;
    keys.push({ id: match[1]!, key: new Uint8Array(key) });
  }
  return keys.length > 0 ? keys : "must list at least one key";
}

function readOrCreate(file: string, make: () => string): string {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}
