import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const made: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "ads-connect-config-"));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const base = { MICROSOFT_CLIENT_ID: "client", MICROSOFT_CLIENT_SECRET: "client-secret-value" };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("loadConfig", () => {
  it("the operator console is off without CONSOLE_OPERATOR_KEY, and its key must be its own", () => {
    expect(loadConfig({ ...base, DATA_DIR: tempDir() }).console).toEqual({ operatorKey: null, sessionTtlSeconds: 28_800 });
    const apiKey = "api-secret-key-0123456789abcdefghijklmnopq";
    const operatorKey = "operator-key-0123456789abcdefghijklmnopqrs";
    expect(loadConfig({ ...base, DATA_DIR: tempDir(), ADS_CONNECT_SECRET_KEY: apiKey, CONSOLE_OPERATOR_KEY: operatorKey }).console.operatorKey).toBe(
      operatorKey,
    );
    expect(problemsOf({ ...base, DATA_DIR: tempDir(), ADS_CONNECT_SECRET_KEY: apiKey, CONSOLE_OPERATOR_KEY: apiKey })).toEqual([
      "CONSOLE_OPERATOR_KEY: must be its own key, not an API secret key or the webhook signing key",
    ]);
    expect(problemsOf({ ...base, DATA_DIR: tempDir(), ADS_CONNECT_SECRET_KEYS: `${apiKey},${operatorKey}`, CONSOLE_OPERATOR_KEY: operatorKey })).toHaveLength(
      1,
    );
    expect(problemsOf({ ...base, DATA_DIR: tempDir(), CONSOLE_OPERATOR_KEY: "short" })[0]).toContain("CONSOLE_OPERATOR_KEY");
  });

  it("starts with zero configuration in development, generating and announcing each default", () => {
    const dataDir = tempDir();
    const announced: string[] = [];
    const config = loadConfig({ ...base, DATA_DIR: dataDir }, (m) => announced.push(m));
    expect(config.publicUrl).toBe("http://localhost:3003");
    expect(config.microsoft.clientSecretExpiresAt).toBeNull();
    expect(config.adminConsentLinkTtlSeconds).toBe(7 * 86_400);
    expect(loadConfig({ ...base, DATA_DIR: dataDir, MICROSOFT_CLIENT_SECRET_EXPIRES_AT: "2027-05-31" }).microsoft.clientSecretExpiresAt).toBe(
      Date.UTC(2027, 4, 31),
    );
    expect(config.allowedOrigins).toEqual(["http://localhost:3003"]);
    expect(config.secretKey.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(path.join(dataDir, "secret-key"), "utf8").trim()).toBe(config.secretKey);
    expect(config.encryptionKeys[0]?.key.length).toBe(32);
    expect(announced.join("\n")).toMatch(/ADS_CONNECT_SECRET_KEY not set/);
    expect(announced.join("\n")).toMatch(/ENCRYPTION_KEYS not set/);
    expect(announced.join("\n")).not.toContain(config.secretKey);
    // Generated once: a restart keeps the same secrets (tokens stay decryptable).
    expect(loadConfig({ ...base, DATA_DIR: dataDir }).secretKey).toBe(config.secretKey);
  });

  it("names every bad value, without echoing secrets", () => {
    const problems = problemsOf({
      PORT: "99999",
      PUBLIC_URL: "ftp://x",
      ALLOWED_ORIGINS: "https://ok.example,https://bad.example/path",
      ADS_CONNECT_SECRET_KEY: "short-secret",
      MICROSOFT_TENANT: "not a tenant",
      MICROSOFT_CLIENT_SECRET_EXPIRES_AT: "next tuesday",
    });
    const text = problems.join("\n");
    expect(text).toMatch(/^PORT: /m);
    expect(text).toMatch(/^PUBLIC_URL: must be an absolute http\(s\) URL/m);
    expect(text).toMatch(/^ALLOWED_ORIGINS\.1: must be an origin/m);
    expect(text).toMatch(/^ADS_CONNECT_SECRET_KEY: must be at least 32 characters/m);
    expect(text).toMatch(/^MICROSOFT_TENANT: /m);
    expect(text).toMatch(/^MICROSOFT_CLIENT_SECRET_EXPIRES_AT: must be a date like 2027-05-31/m);
    expect(text).not.toContain("short-secret");
  });

  it("secret keys: ADS_CONNECT_SECRET_KEYS adds keys to ADS_CONNECT_SECRET_KEY (rotation), or stands alone; each at least 32 characters, never echoed", () => {
    const one = "a".repeat(32);
    const two = "b".repeat(40);
    const three = "c".repeat(33);
    const prod = {
      ...base,
      NODE_ENV: "production",
      PUBLIC_URL: "https://connect.example",
      ALLOWED_ORIGINS: "https://app.example",
      ADS_CONNECT_WEBHOOK_SIGNING_KEY: "w".repeat(32),
      ENCRYPTION_KEYS: `k1:${Buffer.alloc(32).toString("base64")}`,
      MICROSOFT_ADS_DEVELOPER_TOKEN: "TOKEN1",
    };
    expect(loadConfig({ ...prod, ADS_CONNECT_SECRET_KEY: one }).secretKeys).toEqual([one]);
    expect(loadConfig({ ...prod, ADS_CONNECT_SECRET_KEY: one, ADS_CONNECT_SECRET_KEYS: ` ${two} , ${three},${one}` }).secretKeys).toEqual([one, two, three]);
    const listOnly = loadConfig({ ...prod, ADS_CONNECT_SECRET_KEYS: `${two},${three}` });
    expect([listOnly.secretKeys, listOnly.secretKey]).toEqual([[two, three], two]);
    const dataDir = tempDir();
    expect(loadConfig({ ...base, DATA_DIR: dataDir, ADS_CONNECT_SECRET_KEYS: two }).secretKeys).toEqual([two]);
    const problems = problemsOf({ ...base, ADS_CONNECT_SECRET_KEYS: `${two},short-secret` }).join("\n");
    expect(problems).toMatch(/^ADS_CONNECT_SECRET_KEYS\.1: must be at least 32 characters/m);
    expect(problems).not.toContain("short-secret");
    expect(problems).not.toContain(two);
    expect(problemsOf({ ...base, ADS_CONNECT_SECRET_KEYS: " , " }).join("\n")).toMatch(/^ADS_CONNECT_SECRET_KEYS: must list at least one key/m);
  });

  it("RATE_LIMIT_STORE: database by default, or memory; nothing else", () => {
    const dataDir = tempDir();
    expect(loadConfig({ ...base, DATA_DIR: dataDir }).rateLimit.store).toBe("database");
    expect(loadConfig({ ...base, DATA_DIR: dataDir, RATE_LIMIT_STORE: "memory" }).rateLimit.store).toBe("memory");
    expect(problemsOf({ ...base, DATA_DIR: dataDir, RATE_LIMIT_STORE: "redis" }).join("\n")).toMatch(/^RATE_LIMIT_STORE: must be database or memory/m);
  });

  it("requires real secrets and refuses the emulator in production", () => {
    const problems = problemsOf({ ...base, NODE_ENV: "production", ENTRA_EMULATOR_URL: "http://127.0.0.1:4011" }).join("\n");
    for (const name of [
      "PUBLIC_URL",
      "ADS_CONNECT_SECRET_KEY",
      "ADS_CONNECT_WEBHOOK_SIGNING_KEY",
      "ENCRYPTION_KEYS",
      "ALLOWED_ORIGINS",
      "ENTRA_EMULATOR_URL",
    ]) {
      expect(problems).toContain(`${name}:`);
    }
  });

  it("Microsoft Advertising: developer token required in production (never echoed), the sandbox's in development; the API URL refused in production", () => {
    const announced: string[] = [];
    const dev = loadConfig({ ...base, DATA_DIR: tempDir() }, (m) => announced.push(m));
    expect(dev.microsoft.adsDeveloperToken).toBe("BBD37VB98");
    expect(dev.microsoft.adsApiUrl).toBeNull();
    expect(dev.accountSync).toEqual({ enabled: true, intervalSeconds: 6 * 3600 });
    expect(announced.join("\n")).toMatch(/MICROSOFT_ADS_DEVELOPER_TOKEN not set: using the sandbox's universal developer token/);
    const set = loadConfig({
      ...base,
      DATA_DIR: tempDir(),
      MICROSOFT_ADS_DEVELOPER_TOKEN: "ABC123XYZ",
      MICROSOFT_ADS_API_URL: "http://127.0.0.1:4012/",
      ACCOUNT_SYNC_INTERVAL_SECONDS: "600",
    });
    expect(set.microsoft).toMatchObject({ adsDeveloperToken: "ABC123XYZ", adsApiUrl: "http://127.0.0.1:4012" });
    expect(set.accountSync.intervalSeconds).toBe(600);
    const production = problemsOf({ ...base, NODE_ENV: "production", MICROSOFT_ADS_API_URL: "http://127.0.0.1:4012" }).join("\n");
    expect(production).toMatch(/^MICROSOFT_ADS_DEVELOPER_TOKEN: required in production/m);
    expect(production).toMatch(/^MICROSOFT_ADS_API_URL: the Microsoft Advertising emulator is for development and tests only/m);
    const bad = problemsOf({ ...base, MICROSOFT_ADS_DEVELOPER_TOKEN: "secret token!", ACCOUNT_SYNC_INTERVAL_SECONDS: "5" }).join("\n");
    expect(bad).toMatch(/^MICROSOFT_ADS_DEVELOPER_TOKEN: must be a Microsoft Advertising developer token/m);
    expect(bad).toMatch(/^ACCOUNT_SYNC_INTERVAL_SECONDS: /m);
    expect(bad).not.toContain("secret token!");
  });

  it("requires the Microsoft client id and secret", () => {
    expect(problemsOf({ DATA_DIR: tempDir() }).join("\n")).toMatch(/MICROSOFT_CLIENT_ID: required[\s\S]*MICROSOFT_CLIENT_SECRET: required/);
  });

  it("selects PostgreSQL with a postgres URL (pool settings with defaults), SQLite without, and never echoes a bad URL", () => {
    const sqlite = loadConfig({ ...base, DATA_DIR: tempDir() });
    expect(sqlite.databaseUrl).toBeNull();
    const pg = loadConfig({ ...base, DATA_DIR: tempDir(), DATABASE_URL: "postgres://app:pw@db.internal:5432/ads", DATABASE_POOL_SIZE: "4" });
    expect(pg.databaseUrl).toBe("postgres://app:pw@db.internal:5432/ads");
    expect(pg.databasePool).toEqual({ size: 4, connectTimeoutMs: 3000, statementTimeoutMs: 15000 });
    const problems = problemsOf({ ...base, DATABASE_URL: "mysql://app:secret-pw@db/ads", DATABASE_POOL_SIZE: "0" }).join("\n");
    expect(problems).toMatch(/^DATABASE_URL: must be a postgres:\/\/ URL/m);
    expect(problems).toMatch(/^DATABASE_POOL_SIZE: /m);
    expect(problems).not.toContain("secret-pw");
  });

  it("parses rotating encryption keys and rejects keys of the wrong size", () => {
    const k = (n: number) => Buffer.alloc(n, 7).toString("base64");
    const config = loadConfig({ ...base, DATA_DIR: tempDir(), ENCRYPTION_KEYS: `new:${k(32)}, old:${k(32)}` });
    expect(config.encryptionKeys.map((e) => e.id)).toEqual(["new", "old"]);
    expect(problemsOf({ ...base, ENCRYPTION_KEYS: `k:${k(16)}` }).join()).toMatch(/must be 32 bytes/);
    expect(problemsOf({ ...base, ENCRYPTION_KEYS: `k:${k(32)},k:${k(32)}` }).join()).toMatch(/appears twice/);
  });

  it("derives the path prefix from PUBLIC_URL and refuses a query or fragment in it", () => {
    const dataDir = tempDir();
    expect(loadConfig({ ...base, DATA_DIR: dataDir, PUBLIC_URL: "https://Example.com/ads-connect/" })).toMatchObject({
      publicUrl: "https://example.com/ads-connect",
      basePath: "/ads-connect",
    });
    expect(loadConfig({ ...base, DATA_DIR: dataDir, PUBLIC_URL: "https://example.com" }).basePath).toBe("");
    expect(problemsOf({ ...base, DATA_DIR: dataDir, PUBLIC_URL: "https://example.com/x?tenant=a" })).toEqual([
      expect.stringMatching(/^PUBLIC_URL: .*without a query or fragment/),
    ]);
  });

  it("reads rate-limit, retention and proxy settings, and refuses a TRUST_PROXY that trusts everyone", () => {
    const dataDir = tempDir();
    const config = loadConfig({ ...base, DATA_DIR: dataDir });
    expect(config.rateLimit).toEqual({
      enabled: true,
      windowSeconds: 60,
      browser: 120,
      sessionStatus: 600,
      api: 3000,
      console: 600,
      consoleSignIn: 10,
      store: "database",
    });
    expect(config.prune).toEqual({
      enabled: true,
      intervalSeconds: 3600,
      retentionDays: 30,
      webhookRetentionDays: 30,
      eventRetentionDays: 30,
      logRetentionDays: 15,
      operationMaxRunningSeconds: 3600,
    });
    expect(config.maxAttemptsPerSession).toBe(20);
    expect(config.trustProxy).toBe(false);
    expect(loadConfig({ ...base, DATA_DIR: dataDir, TRUST_PROXY: "1" }).trustProxy).toBe(1);
    expect(loadConfig({ ...base, DATA_DIR: dataDir, TRUST_PROXY: "loopback, 10.0.0.0/8" }).trustProxy).toBe("loopback,10.0.0.0/8");
    expect(loadConfig({ ...base, DATA_DIR: dataDir, RATE_LIMIT: "off", PRUNE: "off", RETENTION_DAYS: "7", EVENT_RETENTION_DAYS: "90" })).toMatchObject({
      rateLimit: { enabled: false },
      prune: { enabled: false, retentionDays: 7, webhookRetentionDays: 7, eventRetentionDays: 90 },
    });
    expect(problemsOf({ ...base, DATA_DIR: dataDir, TRUST_PROXY: "true" })).toEqual([expect.stringMatching(/^TRUST_PROXY: trusting every proxy/)]);
    expect(problemsOf({ ...base, DATA_DIR: dataDir, TRUST_PROXY: "10.0.0.0/33" })).toEqual([expect.stringMatching(/^TRUST_PROXY: must be off/)]);
    expect(problemsOf({ ...base, DATA_DIR: dataDir, RETENTION_DAYS: "-1" })).toEqual([expect.stringMatching(/^RETENTION_DAYS/)]);
  });

  it("ACTIONS_DIR: an existing folder, resolved to an absolute path; none by default; a missing folder or a file refused", () => {
    const dataDir = tempDir();
    expect(loadConfig({ ...base, DATA_DIR: dataDir }).actionsDir).toBeNull();
    const dir = tempDir();
    const relative = path.relative(process.cwd(), dir);
    expect(loadConfig({ ...base, DATA_DIR: dataDir, ACTIONS_DIR: relative }).actionsDir).toBe(dir);
    expect(problemsOf({ ...base, DATA_DIR: dataDir, ACTIONS_DIR: path.join(dir, "missing") })).toEqual([
      expect.stringMatching(/^ACTIONS_DIR: must be an existing folder/),
    ]);
    expect(problemsOf({ ...base, DATA_DIR: dataDir, ACTIONS_DIR: path.join(dataDir, "secret-key") })).toEqual([
      expect.stringMatching(/^ACTIONS_DIR: must be an existing folder/),
    ]);
  });

  it("reads the Microsoft Advertising proxy's limits, with defaults, and refuses nonsense", () => {
    const dataDir = tempDir();
    expect(loadConfig({ ...base, DATA_DIR: dataDir }).proxy).toEqual({
      maxRequestBytes: 10 * 1024 * 1024,
      maxResponseBytes: 100 * 1024 * 1024,
      timeoutMs: 120_000,
      throttleHoldSeconds: 60,
      http429HoldSeconds: 5,
      maxHoldSeconds: 900,
      retryBaseMs: 500,
    });
    const set = {
      PROXY_MAX_REQUEST_BYTES: "2048",
      PROXY_MAX_RESPONSE_BYTES: "4096",
      PROXY_TIMEOUT_SECONDS: "30",
      PROXY_THROTTLE_HOLD_SECONDS: "5",
      PROXY_429_HOLD_SECONDS: "2",
      PROXY_MAX_HOLD_SECONDS: "120",
      PROXY_RETRY_BASE_MS: "20",
    };
    expect(loadConfig({ ...base, DATA_DIR: dataDir, ...set }).proxy).toEqual({
      maxRequestBytes: 2048,
      maxResponseBytes: 4096,
      timeoutMs: 30_000,
      throttleHoldSeconds: 5,
      http429HoldSeconds: 2,
      maxHoldSeconds: 120,
      retryBaseMs: 20,
    });
    expect(
      problemsOf({
        ...base,
        DATA_DIR: dataDir,
        PROXY_MAX_REQUEST_BYTES: "10",
        PROXY_TIMEOUT_SECONDS: "0",
        PROXY_THROTTLE_HOLD_SECONDS: "x",
        PROXY_MAX_HOLD_SECONDS: "3153600000",
      }),
    ).toEqual([
      expect.stringMatching(/^PROXY_MAX_REQUEST_BYTES/),
      expect.stringMatching(/^PROXY_TIMEOUT_SECONDS/),
      expect.stringMatching(/^PROXY_THROTTLE_HOLD_SECONDS/),
      expect.stringMatching(/^PROXY_MAX_HOLD_SECONDS/),
    ]);
  });
});
