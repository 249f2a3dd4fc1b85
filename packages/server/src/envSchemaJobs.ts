import { days, httpUrl, onOff, seconds } from "./envSchemaFields.js";

/** The background jobs: pruning, refresh-ahead and its token budget, webhook delivery, Slack alerts, shutdown. Spread into EnvSchema in this order. */
export const JOBS_ENV = {
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
  LOG_RETENTION_DAYS: days.default(15).meta({
    description: "operations of the operation log (`GET /logs/operations`) and their messages are deleted this long after they started",
  }),
  OPERATION_MAX_RUNNING_SECONDS: seconds(60, 7 * 86_400)
    .default(3600)
    .meta({
      description:
        "an operation of the operation log other than a sign-in (a refresh, proxy call, action, sync) still `running` this long after it started is ended `failed` (`operation_interrupted`) by the pruning job: the instance running it stopped mid-way (an operation only slow takes its real end when it comes; a sync run whose sync still holds a live lease is left running); an unanswered admin consent ends `timeout`; a sign-in ends `timeout` once its connect page, attempt and account picker have all expired",
    }),
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
      "app-wide cap on background token requests to Microsoft (refresh-ahead, keep-alive, sync runs), shared by every instance on the database (refreshes for a waiting reader are counted, never refused)",
  }),
  REFRESH_MAX_TRIES: seconds(1, 10).default(4).meta({ description: "tries of one refresh on 429/5xx/timeouts" }),
  TOKEN_READ_CACHE_SECONDS: seconds(0, 60).default(5).meta({
    description:
      "PostgreSQL: token reads serve a connection's row kept in memory, dropped as soon as any instance changes it (told by PostgreSQL's LISTEN/NOTIFY, one extra database connection per instance; while that connection is down every read goes to the database) and in any case this long after it was read (`0`: every read goes to the database); SQLite keeps rows the same way while no connection, of this or another process, has written the database since (checked on every read with `PRAGMA data_version`)",
  }),
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
};
