import { type IntegrationStatus, PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import type { ConnectionService } from "../connections/connectionService.js";
import { AppError } from "../errors.js";
import type { ConsoleConnectionQuery, ConsoleStore } from "../store/consoleStore.js";
import { type Clock, systemClock } from "../util/clock.js";
import type { WebhookOutbox } from "../webhooks/webhookOutbox.js";
import type { ConsoleOperations } from "./operationsPort.js";
import { backlogSeries, bucketStarts, nextStep, type OverviewRange, seriesOf, sum } from "./overview.js";

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());
const TOP_ERRORS = 8;

/** What the console reaches in other areas of its floor (wired in composition.ts: areas do not import each other). */
export interface ConsoleDeps {
  store: ConsoleStore;
  connections: Pick<ConnectionService, "list" | "get" | "delete">;
  outbox: Pick<WebhookOutbox, "retryNow">;
  integrationStatus: () => Promise<IntegrationStatus>;
  /** Account discovery again (AccountSync.discover); ok false with the error when it failed. */
  resyncAccounts: (connectionId: string) => Promise<{ ok: boolean; error?: { code: string; message: string } | null }>;
  /** A reconnect connect session's link (ConnectSessionService.createReconnect). */
  reconnectLink: (connectionId: string) => Promise<{ connect_link: string; expires_at: string }>;
  operations?: ConsoleOperations | undefined;
  now?: Clock;
}

/** The operator console's reads and actions (routes/consoleRoutes.ts; cookie auth in ConsoleAuth). */
export class ConsoleService {
  private readonly now: Clock;

  constructor(private readonly deps: ConsoleDeps) {
    this.now = deps.now ?? systemClock;
  }

  async overview(range: OverviewRange) {
    const now = this.now();
    const { since, bucketMs, starts } = bucketStarts(range, now);
    const ops = this.deps.operations?.countByBucket ? this.deps.operations : undefined;
    const [status, events, spans, codes, failing, proxyCalls, proxyHolds] = await Promise.all([
      this.deps.integrationStatus(),
      this.deps.store.eventBuckets(since, bucketMs),
      this.deps.store.backlogSpans(since, since + starts.length * bucketMs),
      this.deps.store.failureCodes(since, TOP_ERRORS),
      this.deps.store.connectionsByErrorCode(),
      ops?.countByBucket?.("proxy/call", since, bucketMs, starts.length),
      ops?.countByBucket?.("proxy/call", since, bucketMs, starts.length, "msads_rate_limited"),
    ]);
    const series = {
      connects_succeeded: seriesOf(events, "connect_succeeded", starts.length),
      connects_failed: seriesOf(events, "connect_failed", starts.length),
      refreshes_succeeded: seriesOf(events, "refresh_succeeded", starts.length),
      refreshes_failed: seriesOf(events, "refresh_failed", starts.length),
      webhook_backlog: backlogSeries(spans, starts, bucketMs),
      proxy_calls: proxyCalls ?? null,
      proxy_holds_117: proxyHolds ?? null,
    };
    const failingByCode = new Map(failing.map((f) => [f.code, f.n]));
    const codesSeen = new Set(codes.map((c) => c.code));
    const topErrors = [
      ...codes.map((c) => ({ code: c.code, count: c.n, connections_failing: failingByCode.get(c.code) ?? 0, last_at: iso(c.last_at) })),
      // Connections failing now with a code no event in the range recorded (an older failure).
      ...failing.filter((f) => !codesSeen.has(f.code)).map((f) => ({ code: f.code, count: 0, connections_failing: f.n, last_at: null })),
    ]
      .slice(0, TOP_ERRORS)
      .map((e) => ({ ...e, ...nextStep(e.code) }));
    return {
      range,
      generated_at: iso(now),
      bucket_ms: bucketMs,
      buckets: starts.map((s) => iso(s)),
      connections: status.connections,
      totals: {
        connects_succeeded: sum(series.connects_succeeded),
        connects_failed: sum(series.connects_failed),
        refreshes_succeeded: sum(series.refreshes_succeeded),
        refreshes_failed: sum(series.refreshes_failed),
        proxy_calls: series.proxy_calls ? sum(series.proxy_calls) : null,
        proxy_holds_117: series.proxy_holds_117 ? sum(series.proxy_holds_117) : null,
        webhook_backlog: series.webhook_backlog.at(-1) ?? 0,
      },
      series,
      top_errors: topErrors,
      integration: {
        configured: status.configured,
        client_secret: status.client_secret,
        problems: status.problems.map((p) => ({ ...p, ...nextStep(p.code) })),
        secret_keys: status.secret_keys,
        encryption_keys: status.encryption_keys,
        holds: status.holds.length,
        last_successful_connect_at: status.last_successful_connect_at,
        last_successful_refresh_at: status.last_successful_refresh_at,
      },
      operation_log: this.deps.operations !== undefined,
    };
  }

  async connections(query: ConsoleConnectionQuery & { integration?: string | undefined }) {
    if (query.integration && query.integration !== PROVIDER_CONFIG_KEY) return { connections: [], total: 0, total_capped: false };
    const { rows, total, capped } = await this.deps.store.connections(query);
    return {
      total,
      total_capped: capped,
      connections: rows.map((r) => {
        const endUser = JSON.parse(r.end_user) as { id: string; email?: string | null; display_name?: string | null };
        return {
          connection_id: r.connection_id,
          integration: r.provider_config_key,
          end_user: { id: endUser.id, email: endUser.email ?? null, display_name: endUser.display_name ?? null },
          account: { username: r.username, display_name: r.display_name },
          status: r.status,
          error_code: r.error_code,
          created_at: iso(r.created_at),
          updated_at: iso(r.updated_at),
          last_refreshed_at: iso(r.last_refreshed_at),
        };
      }),
    };
  }

  /** One connection as the console shows it: the API's summary, its errors with the next step, and whether a log exists. */
  async connection(connectionId: string) {
    const [summary] = (await this.deps.connections.list({ connectionId, limit: 1 })).connections;
    if (!summary) throw new AppError("not_found", `No connection with id "${connectionId}"`, 404);
    return {
      connection: summary,
      errors: summary.errors.map((e) => ({ code: e.type, ...nextStep(e.type) })),
      accounts_error: summary.accounts_error ? { ...summary.accounts_error, ...nextStep(summary.accounts_error.code) } : null,
      operation_log: this.deps.operations !== undefined,
    };
  }

  /** The connection's operations, newest first (the timeline); each with its messages when `withMessages`. */
  async timeline(connectionId: string, cursor: string | undefined) {
    const ops = this.deps.operations;
    if (!ops) return { available: false, operations: [], next_cursor: null };
    const page = await ops.list({ connectionId, limit: 50, cursor });
    return { available: true, ...page };
  }

  async operation(id: string) {
    const found = await this.deps.operations?.get(id);
    if (!found) throw new AppError("not_found", `No operation with id "${id}"`, 404);
    return found;
  }

  async forceRefresh(connectionId: string) {
    return this.action("force_refresh", connectionId, async () => {
      const connection = await this.deps.connections.get(connectionId, { forceRefresh: true });
      return { refreshed: true, expires_at: connection.credentials.expires_at ?? null };
    });
  }

  async resyncAccounts(connectionId: string) {
    return this.action("resync_accounts", connectionId, async () => {
      await this.connection(connectionId);
      const run = await this.deps.resyncAccounts(connectionId);
      if (!run.ok) throw new AppError("msads_error", run.error?.message ?? "The account sync failed.", 502);
      return { synced: true };
    });
  }

  async reconnectLink(connectionId: string) {
    return this.action("reconnect_link", connectionId, () => this.deps.reconnectLink(connectionId));
  }

  async deleteConnection(connectionId: string, confirm: string) {
    if (confirm !== connectionId) throw new AppError("confirmation_mismatch", "Type the connection id exactly to confirm the deletion.", 400);
    return this.action("delete_connection", connectionId, () => this.deps.connections.delete(connectionId, undefined));
  }

  async deliveries(options: { status?: "pending" | "failed" | "delivered" | undefined; limit: number; offset: number }) {
    const rows = await this.deps.store.deliveries(options);
    return {
      deliveries: rows.map((r) => {
        const body = JSON.parse(r.body) as { type?: string; operation?: string; connectionId?: string; success?: boolean };
        return {
          id: r.id,
          type: body.type ?? null,
          operation: body.operation ?? null,
          connection_id: body.connectionId ?? null,
          success: body.success ?? null,
          status: r.delivered_at !== null ? "delivered" : r.gave_up_at !== null ? "failed" : "pending",
          attempts: r.attempts,
          last_error: r.last_error,
          created_at: iso(r.created_at),
          delivered_at: iso(r.delivered_at),
          next_attempt_at: r.delivered_at === null && r.gave_up_at === null ? iso(r.next_attempt_at) : null,
        };
      }),
    };
  }

  async retryDelivery(id: string) {
    return this.action(
      "retry_webhook",
      undefined,
      async () => {
        if (!(await this.deps.outbox.retryNow(id)))
          throw new AppError("not_found", `No undelivered webhook event with id "${id}" (an event cancelled before it was sent cannot be retried)`, 404);
        return { retrying: true };
      },
      { webhook_id: id },
    );
  }

  /** An operator action, itself an `admin/operator_action` operation when the log is there. */
  private action<T>(name: string, connectionId: string | undefined, run: () => Promise<T>, meta?: Record<string, unknown>): Promise<T> {
    const ops = this.deps.operations;
    return ops ? ops.operatorAction(name, { connectionId, ...(meta ? { meta } : {}) }, run) : run();
  }
}
