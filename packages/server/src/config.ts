import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Config, EncryptionKey } from "./configTypes.js";
import { EnvSchema, isOn, SANDBOX_DEVELOPER_TOKEN } from "./envSchema.js";

export type { Config, EncryptionKey } from "./configTypes.js";

/** Invalid settings. Not an AppError: raised before any server listens (the CLI and doctor print its problems). */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

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
  // The console's key signs in a person; an API key leaked to a backend's logs must not open it.
  if (e.CONSOLE_OPERATOR_KEY && (secretKeys.includes(e.CONSOLE_OPERATOR_KEY) || e.CONSOLE_OPERATOR_KEY === e.ADS_CONNECT_WEBHOOK_SIGNING_KEY)) {
    problems.push("CONSOLE_OPERATOR_KEY: must be its own key, not an API secret key or the webhook signing key");
  }
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
  if (isOn(e.METRICS_ENABLED) && e.METRICS_PORT === undefined && !e.METRICS_KEY)
    problems.push("METRICS_KEY: required with METRICS_ENABLED=on unless METRICS_PORT serves /metrics on a port of its own");
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    basePath: basePathOf(publicUrl),
    secretKeys,
    secretKey: secretKeys[0] ?? "",
    webhookSigningKey,
    console: { operatorKey: e.CONSOLE_OPERATOR_KEY ?? null, sessionTtlSeconds: e.CONSOLE_SESSION_TTL_SECONDS },
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
    tokenReadCacheSeconds: e.TOKEN_READ_CACHE_SECONDS,
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
    syncs: {
      enabled: isOn(e.SYNCS),
      campaignsFrequencySeconds: e.SYNC_CAMPAIGNS_FREQUENCY_SECONDS,
      performanceFrequencySeconds: e.SYNC_PERFORMANCE_FREQUENCY_SECONDS,
      backfillDays: e.SYNC_BACKFILL_DAYS,
      lookbackDays: e.SYNC_LOOKBACK_DAYS,
      retentionDays: e.SYNC_PERFORMANCE_RETENTION_DAYS,
      pollSeconds: e.SYNC_POLL_SECONDS,
    },
    accountPicker: {
      ttlSeconds: e.ACCOUNT_PICKER_TTL_SECONDS,
      stringsFile: e.ACCOUNT_PICKER_STRINGS_FILE ? path.resolve(e.ACCOUNT_PICKER_STRINGS_FILE) : null,
    },
    pageStringsFile: e.PAGE_STRINGS_FILE ? path.resolve(e.PAGE_STRINGS_FILE) : null,
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
    productName: e.PRODUCT_NAME ?? null,
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
      console: e.RATE_LIMIT_CONSOLE,
      consoleSignIn: e.RATE_LIMIT_CONSOLE_SIGN_IN,
      store: e.RATE_LIMIT_STORE,
    },
    prune: {
      enabled: isOn(e.PRUNE),
      intervalSeconds: e.PRUNE_INTERVAL_SECONDS,
      retentionDays: e.RETENTION_DAYS,
      webhookRetentionDays: e.WEBHOOK_RETENTION_DAYS ?? e.RETENTION_DAYS,
      eventRetentionDays: e.EVENT_RETENTION_DAYS ?? e.RETENTION_DAYS,
      logRetentionDays: e.LOG_RETENTION_DAYS,
      operationMaxRunningSeconds: e.OPERATION_MAX_RUNNING_SECONDS,
    },
    tokenMinValiditySeconds: e.TOKEN_MIN_VALIDITY_SECONDS,
    logLevel: e.LOG_LEVEL,
    production,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    metrics: { enabled: isOn(e.METRICS_ENABLED), key: e.METRICS_KEY ?? null, port: e.METRICS_PORT ?? null, host: e.METRICS_HOST },
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
