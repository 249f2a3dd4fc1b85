// The read-path bench's settings (BENCH_* environment variables), its scratch folder and the
// server's environment; shared by the parts in this folder.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const MAIN = path.join(ROOT, "packages/server/src/main.ts");
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10_000);
export const BIG = Number(process.env.BENCH_BIG_CONNECTIONS ?? 1_000_000);
export const RATE = Number(process.env.BENCH_RATE ?? 1000);
// BENCH_PARTS: which parts run (default all; `otel` is the read path with OpenTelemetry's export
// off and on, each against its own bare-handler baseline); BENCH_WRK=off skips the throughput runs (latency only).
export const PARTS = new Set((process.env.BENCH_PARTS ?? "sqlite,postgres,big,otel").split(","));
export const THROUGHPUT = process.env.BENCH_WRK !== "off";
export const SECRET = "bench-secret-key-0123456789abcdefghijklmnop";
export const work = mkdtempSync(path.join(tmpdir(), "ads-connect-bench-"));

export function serverEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PORT: "0",
    ADS_CONNECT_SECRET_KEY: SECRET,
    ADS_CONNECT_WEBHOOK_SIGNING_KEY: "bench-webhook-signing-key-0123456789abcdef",
    ALLOWED_ORIGINS: "http://app.localhost:5173",
    MICROSOFT_CLIENT_ID: "00000000-0000-0000-0000-000000000001",
    MICROSOFT_CLIENT_SECRET: "bench-client-secret",
    // Nothing is refreshed during the bench (tokens are valid for a day); Entra is never called.
    ENTRA_EMULATOR_URL: "http://127.0.0.1:9",
    REFRESH_AHEAD: "off",
    // The seeded connections have no Microsoft Advertising accounts to sync.
    ACCOUNT_SYNC: "off",
    // Default settings: rate limits on (shared through the database on PostgreSQL), with an API
    // allowance above what the bench sends so every read is answered; BENCH_RATE_LIMIT=off turns them off.
    ...(process.env.BENCH_RATE_LIMIT === "off" ? { RATE_LIMIT: "off" } : { RATE_LIMIT_API: "10000000" }),
    LOG_LEVEL: "info",
    ...extra,
  };
}
