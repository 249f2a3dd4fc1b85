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
  /** Signs every webhook; receivers accept the old and the new key while it is rotated (README). */
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


const httpUrl = z
  .url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" })
  .transform((u) => u.replace(/\/+$/, ""));

/** Where this server is reached: may carry a path prefix (`https://example.com/ads-connect`), no query or fragment. */
const publicUrlSchema = httpUrl
  .refine((u) => !u.includes("?") && !u.includes("#"), "must be an absolute http(s) URL without a query or fragment (a path prefix like https://example.com/ads-connect is fine)")
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
    const items = v.split(",").map((s) => s.trim()).filter(Boolean);
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

const EnvSchema = z.object({
  NODE_ENV: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  HOST: z.string().min(1).default("127.0.0.1"),
  PUBLIC_URL: publicUrlSchema.optional(),
  ADS_CONNECT_SECRET_KEY: secret.optional(),
  ADS_CONNECT_SECRET_KEYS: z
    .string()
    .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(secret, { error: "must be comma-separated keys of at least 32 characters each" }).min(1, "must list at least one key"))
    .optional(),
  ADS_CONNECT_WEBHOOK_SIGNING_KEY: secret.optional(),
  WEBHOOK_URL: httpUrl.optional(),
  ALLOWED_ORIGINS: z
    .string()
    .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(origin).min(1, "must list at least one origin"))
    .optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_FILE: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/i, "must be a postgres:// URL (unset it to use the embedded SQLite database)")
    .optional(),
  DATABASE_POOL_SIZE: seconds(1, 1000).default(10),
  DATABASE_CONNECT_TIMEOUT_MS: seconds(100, 600_000).default(3000),
  DATABASE_STATEMENT_TIMEOUT_MS: seconds(100, 3_600_000).default(15_000),
  ENCRYPTION_KEYS: z.string().optional(),
  MICROSOFT_CLIENT_ID: z.string().min(1).optional(),
  MICROSOFT_CLIENT_SECRET: z.string().min(1).optional(),
  MICROSOFT_TENANT: z.string().regex(TENANT, "must be common, organizations, consumers, a tenant id (GUID) or a domain").default("common"),
  MICROSOFT_ADS_ENVIRONMENT: z.enum(["production", "sandbox"]).default("production"),
  ENTRA_EMULATOR_URL: httpUrl.optional(),
  ENTRA_TIMEOUT_MS: seconds(100, 120_000).default(15_000),
  MICROSOFT_ADS_DEVELOPER_TOKEN: z.string().trim().regex(/^[A-Za-z0-9_-]{1,100}$/, "must be a Microsoft Advertising developer token (letters and digits, as shown in the Developer Portal)").optional(),
  MICROSOFT_ADS_API_URL: httpUrl.optional(),
  ACCOUNT_SYNC: onOff.default("on"),
  ACCOUNT_SYNC_INTERVAL_SECONDS: seconds(60, 30 * 86_400).default(6 * 3600),
  ACCOUNT_PICKER_TTL_SECONDS: seconds(1, 3600).default(600),
  ACCOUNT_PICKER_STRINGS_FILE: z.string().trim().min(1).optional(),
  ACTIONS_DIR: z
    .string()
    .trim()
    .min(1)
    .transform((v) => path.resolve(v))
    .refine((dir) => existsSync(dir) && statSync(dir).isDirectory(), "must be an existing folder of action modules (.ts, .mjs, .js)")
    .optional(),
  MICROSOFT_CLIENT_SECRET_EXPIRES_AT: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/, "must be a date like 2027-05-31 (or an ISO timestamp), as shown under Certificates & secrets in Entra")
    .transform((v) => Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v))
    .refine((ms) => Number.isFinite(ms), "must be a real date")
    .optional(),
  PROXY_MAX_REQUEST_BYTES: seconds(1024, 100 * 1024 * 1024).default(10 * 1024 * 1024),
  PROXY_MAX_RESPONSE_BYTES: seconds(1024, 1024 * 1024 * 1024).default(100 * 1024 * 1024),
  PROXY_TIMEOUT_SECONDS: seconds(1, 600).default(120),
  PROXY_THROTTLE_HOLD_SECONDS: seconds(1, 600).default(60),
  PROXY_429_HOLD_SECONDS: seconds(1, 600).default(5),
  PROXY_MAX_HOLD_SECONDS: seconds(1, 86_400).default(900),
  PROXY_RETRY_BASE_MS: seconds(10, 60_000).default(500),
  REPORT_DOWNLOAD_HOSTS: z
    .string()
    .transform((v) => v.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be comma-separated host names like reports.example.com (no scheme, port or path; https is implied)")))
    .optional(),
  REPORT_MAX_DOWNLOAD_BYTES: seconds(1024, 4 * 1024 * 1024 * 1024).default(512 * 1024 * 1024),
  REPORT_MAX_CSV_BYTES: seconds(1024, 16 * 1024 * 1024 * 1024).default(2 * 1024 * 1024 * 1024),
  REPORT_DOWNLOAD_TIMEOUT_SECONDS: seconds(1, 3600).default(300),
  PRODUCT_NAME: z.string().trim().min(1).max(100).default("This app"),
  ADMIN_CONSENT_LINK_TTL_SECONDS: seconds(60, 90 * 86_400).default(7 * 86_400),
  CONNECT_SESSION_TTL_SECONDS: seconds(1, 86_400).default(1800),
  OAUTH_ATTEMPT_TTL_SECONDS: seconds(1, 3600).default(600),
  TOKEN_MIN_VALIDITY_SECONDS: seconds(0, 3000).default(300),
  MAX_ATTEMPTS_PER_SESSION: seconds(1, 1000).default(20),
  TRUST_PROXY: trustProxySchema.default(false),
  RATE_LIMIT: onOff.default("on"),
  RATE_LIMIT_WINDOW_SECONDS: seconds(1, 86_400).default(60),
  RATE_LIMIT_BROWSER: seconds(1, 1_000_000).default(120),
  RATE_LIMIT_SESSION_STATUS: seconds(1, 1_000_000).default(600),
  RATE_LIMIT_API: seconds(1, 10_000_000).default(3000),
  RATE_LIMIT_STORE: z.enum(["database", "memory"], { error: "must be database or memory" }).default("database"),
  PRUNE: onOff.default("on"),
  PRUNE_INTERVAL_SECONDS: seconds(1, 86_400).default(3600),
  RETENTION_DAYS: days.default(30),
  WEBHOOK_RETENTION_DAYS: days.optional(),
  EVENT_RETENTION_DAYS: days.optional(),
  REFRESH_AHEAD: onOff.default("on"),
  REFRESH_AHEAD_INTERVAL_SECONDS: seconds(1, 3600).default(60),
  REFRESH_IDLE_AFTER_SECONDS: seconds(60, 80 * 86_400).default(14 * 86_400),
  REFRESH_ACTIVE_WINDOW_SECONDS: seconds(60, 30 * 86_400).default(2 * 3600),
  REFRESH_AHEAD_CONCURRENCY: seconds(1, 64).default(4),
  TOKEN_REQUESTS_PER_MINUTE: seconds(1, 1_000_000).default(300),
  REFRESH_MAX_TRIES: seconds(1, 10).default(4),
  REFRESH_LEASE_SECONDS: seconds(1, 600).default(10),
  WEBHOOK_MAX_ATTEMPTS: seconds(1, 100).default(12),
  WEBHOOK_RETRY_BASE_MS: seconds(10, 3_600_000).default(1000),
  WEBHOOK_RETRY_MAX_MS: seconds(100, 86_400_000).default(3_600_000),
  SLACK_WEBHOOK_URL: httpUrl.optional(),
  ALERT_DEDUP_SECONDS: seconds(0, 7 * 86_400).default(3600),
  TRANSIENT_ALERT_THRESHOLD: seconds(1, 1000).default(3),
  SHUTDOWN_TIMEOUT_SECONDS: seconds(1, 600).default(20),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
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
    ...new Set([...(e.ADS_CONNECT_SECRET_KEY || listedKeys.length === 0 ? [devSecret("ADS_CONNECT_SECRET_KEY", "secret-key", e.ADS_CONNECT_SECRET_KEY)] : []), ...listedKeys]),
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

  if (!e.MICROSOFT_CLIENT_ID) problems.push("MICROSOFT_CLIENT_ID: required (the Application (client) ID of your Entra app registration; `pnpm start` sets the emulator's)");
  if (!e.MICROSOFT_CLIENT_SECRET) problems.push("MICROSOFT_CLIENT_SECRET: required (a client secret value of your Entra app registration)");
  if (e.ENTRA_EMULATOR_URL) {
    if (production) problems.push("ENTRA_EMULATOR_URL: the Entra emulator is for development and tests only; unset it in production");
    else announce(`ENTRA_EMULATOR_URL set: Microsoft sign-in is served by the local Entra emulator at ${e.ENTRA_EMULATOR_URL}`);
  }
  if (e.MICROSOFT_ADS_API_URL) {
    if (production) problems.push("MICROSOFT_ADS_API_URL: the Microsoft Advertising emulator is for development and tests only; unset it in production");
    else announce(`MICROSOFT_ADS_API_URL set: Microsoft Advertising API calls go to ${e.MICROSOFT_ADS_API_URL}`);
  } else if (e.ENTRA_EMULATOR_URL && !production) {
    announce("ENTRA_EMULATOR_URL without MICROSOFT_ADS_API_URL: the emulator's tokens mean nothing to Microsoft Advertising, so account discovery is off (each connection gets accounts_error msads_not_configured); run the Microsoft Advertising emulator (npx msads-emulator) and set MICROSOFT_ADS_API_URL");
  }
  let adsDeveloperToken = e.MICROSOFT_ADS_DEVELOPER_TOKEN ?? "";
  if (!adsDeveloperToken) {
    if (production) problems.push("MICROSOFT_ADS_DEVELOPER_TOKEN: required in production (your developer token from the Microsoft Advertising Developer Portal)");
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
    accountPicker: { ttlSeconds: e.ACCOUNT_PICKER_TTL_SECONDS, stringsFile: e.ACCOUNT_PICKER_STRINGS_FILE ? path.resolve(e.ACCOUNT_PICKER_STRINGS_FILE) : null },
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
  for (const item of value.split(",").map((s) => s.trim()).filter(Boolean)) {
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
