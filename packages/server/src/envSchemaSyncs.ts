import { z } from "zod";
import { onOff, seconds } from "./envSchemaFields.js";

/** The account sync's and the campaign syncs' variables (issue 29). Spread into EnvSchema in this order. */
export const SYNC_ENV = {
  ACCOUNT_SYNC: onOff
    .default("on")
    .meta({ description: "the scheduled account sync (`off` to disable; discovery after connect and `POST /connections/:id/sync` still run)" }),
  ACCOUNT_SYNC_INTERVAL_SECONDS: seconds(60, 30 * 86_400)
    .default(6 * 3600)
    .meta({ description: "how often each connection's Microsoft Advertising accounts are synced" }),
  SYNCS: onOff.default("on").meta({
    description:
      "the scheduled campaign and daily performance syncs (`off` to disable the job; `POST /sync/trigger` still marks them due for an instance that runs it)",
  }),
  SYNC_CAMPAIGNS_FREQUENCY_SECONDS: seconds(300, 30 * 86_400)
    .default(3600)
    .meta({
      description:
        "how often the `campaigns` sync runs per connection (the integration's default; `PUT /sync/update-connection-frequency` overrides it per connection)",
    }),
  SYNC_PERFORMANCE_FREQUENCY_SECONDS: seconds(300, 30 * 86_400)
    .default(6 * 3600)
    .meta({ description: "how often the `campaign-performance-daily` sync runs per connection (the integration's default)" }),
  SYNC_BACKFILL_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(1095)
    .default(90)
    .meta({ description: "days of daily performance the first run (and a full resync) reads; at most 1095, Microsoft's 36 months" }),
  SYNC_LOOKBACK_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(365)
    .default(30)
    .meta({ description: "days each later performance run reads again, because conversions are attributed to past days" }),
  SYNC_PERFORMANCE_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3650)
    .default(0)
    .meta({ description: "performance records of days older than this are deleted (0: kept)" }),
  SYNC_POLL_SECONDS: seconds(1, 3600).default(30).meta({ description: "how often each instance looks for syncs that are due" }),
};
