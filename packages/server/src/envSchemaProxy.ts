import { z } from "zod";
import { seconds } from "./envSchemaFields.js";

/** The proxy's and the report download's limits, timeouts and holds. Spread into EnvSchema in this order. */
export const PROXY_ENV = {
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
};
