/** The loaded settings (loadConfig in config.ts reads them from the environment). */

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
  /** The operator console: its sign-in key (null: the console is off) and how long a sign-in lasts. */
  console: { operatorKey: string | null; sessionTtlSeconds: number };
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
  /** The campaign and daily performance syncs (issue 29). */
  syncs: {
    enabled: boolean;
    campaignsFrequencySeconds: number;
    performanceFrequencySeconds: number;
    backfillDays: number;
    lookbackDays: number;
    /** 0: kept. */
    retentionDays: number;
    pollSeconds: number;
  };
  accountPicker: {
    /** How long the popup's account picker waits for a choice; the held creation webhook goes out then. */
    ttlSeconds: number;
    /** JSON file overriding the picker's texts (one language, ACCOUNT_PICKER_STRINGS_FILE); null: none. */
    stringsFile: string | null;
  };
  /** JSON file overriding any page's texts per language (PAGE_STRINGS_FILE); null: the built-in texts. */
  pageStringsFile: string | null;
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
  /** PRODUCT_NAME; null: each page says "this app" in its language. */
  productName: string | null;
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
    /** Operator console requests per client IP per window. */
    console: number;
    /** Operator console sign-in tries per client IP per window. */
    consoleSignIn: number;
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
    /** Operations of the operation log, with their messages. */
    logRetentionDays: number;
    /** Operations (other than sign-ins) running longer were left by a stopped instance: the sweep ends them. */
    operationMaxRunningSeconds: number;
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
  /** PostgreSQL: how long at most a token read serves a connection row from memory (0: never). */
  tokenReadCacheSeconds: number;
  webhookDelivery: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  slack: { webhookUrl: string | null; dedupSeconds: number };
  /** Consecutive transient refresh failures of one connection before an alert. */
  transientAlertThreshold: number;
  logLevel: string;
  production: boolean;
  /** How long a graceful stop waits for requests in flight and job passes before dropping them. */
  shutdownTimeoutSeconds: number;
  /** `/metrics` for Prometheus: off, on the server's port behind `key`, or on a port of its own. */
  metrics: { enabled: boolean; key: string | null; port: number | null; host: string };
}
