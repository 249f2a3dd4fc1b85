import { type Attributes, type BatchObservableResult, type Meter, type MeterProvider, metrics, type Observable } from "@opentelemetry/api";

/**
 * The server's metrics, as `@opentelemetry/api` instruments (no-ops without the SDK). Names follow
 * OpenTelemetry's conventions under `ads_connect.`; the Prometheus exporter turns them into
 * `ads_connect_connects_total` and the like.
 */
interface Instruments {
  meter: Meter;
  connects: ReturnType<Meter["createCounter"]>;
  refreshes: ReturnType<Meter["createCounter"]>;
  refreshDuration: ReturnType<Meter["createHistogram"]>;
  proxyCalls: ReturnType<Meter["createCounter"]>;
  syncRuns: ReturnType<Meter["createCounter"]>;
  syncDuration: ReturnType<Meter["createHistogram"]>;
  webhookDeliveries: ReturnType<Meter["createCounter"]>;
  tokenReads: Observable;
}

let cached: { provider: MeterProvider; instruments: Instruments } | undefined;

/** Token reads counted in a plain number (the hot path pays one increment), reported when metrics are collected. */
let tokenReadCount = 0;

/** The instruments of the current meter provider (made again when the SDK was loaded or unloaded since). */
function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (cached?.provider === provider) return cached.instruments;
  const meter = provider.getMeter("ads-connect");
  const tokenReads = meter.createObservableCounter("ads_connect.token.reads", { description: "Token reads served (GET /connections/:id)", unit: "{read}" });
  tokenReads.addCallback((result) => result.observe(tokenReadCount));
  const made: Instruments = {
    meter,
    connects: meter.createCounter("ads_connect.connects", { description: "Finished connect attempts by outcome and error code", unit: "{connect}" }),
    refreshes: meter.createCounter("ads_connect.refreshes", { description: "Token refreshes by outcome (and error code) and reason", unit: "{refresh}" }),
    refreshDuration: meter.createHistogram("ads_connect.refresh.duration", { description: "Token refresh latency, Entra's answer included", unit: "s" }),
    proxyCalls: meter.createCounter("ads_connect.proxy.calls", {
      description: "Calls through the proxy (and actions) by HTTP status and Microsoft Advertising fault code",
      unit: "{call}",
    }),
    syncRuns: meter.createCounter("ads_connect.sync.runs", { description: "Sync runs by model and outcome", unit: "{run}" }),
    syncDuration: meter.createHistogram("ads_connect.sync.duration", { description: "Sync run durations by model", unit: "s" }),
    webhookDeliveries: meter.createCounter("ads_connect.webhook.deliveries", { description: "Webhook delivery attempts by outcome", unit: "{delivery}" }),
    tokenReads,
  };
  cached = { provider, instruments: made };
  return made;
}

export function countTokenRead(): void {
  tokenReadCount++;
}

/** One connect attempt's end: `success`, `failure` (with the error code) or `cancelled`. */
export function countConnect(outcome: "success" | "failure" | "cancelled", errorCode?: string | null): void {
  instruments().connects.add(1, errorCode ? { "ads_connect.outcome": outcome, "error.type": errorCode } : { "ads_connect.outcome": outcome });
}

export function recordRefresh(outcome: "success" | "failure" | "superseded", reason: string, seconds: number, errorCode?: string | null): void {
  const attributes: Attributes = { "ads_connect.outcome": outcome, "ads_connect.refresh.reason": reason };
  if (errorCode) attributes["error.type"] = errorCode;
  const i = instruments();
  i.refreshes.add(1, attributes);
  i.refreshDuration.record(seconds, attributes);
}

/** A proxied call's end: the status answered and Microsoft's first fault code, if any. */
export function countProxyCall(status: number, faultCode?: number | string | null, errorCode?: string | null): void {
  const attributes: Attributes = { "http.response.status_code": status };
  if (faultCode !== undefined && faultCode !== null) attributes["ads_connect.msads.fault_code"] = String(faultCode);
  if (errorCode) attributes["error.type"] = errorCode;
  instruments().proxyCalls.add(1, attributes);
}

export function recordSyncRun(model: string, outcome: "success" | "failure", seconds: number, errorCode?: string | null): void {
  const attributes: Attributes = { "ads_connect.sync.model": model, "ads_connect.outcome": outcome };
  if (errorCode) attributes["error.type"] = errorCode;
  const i = instruments();
  i.syncRuns.add(1, attributes);
  i.syncDuration.record(seconds, { "ads_connect.sync.model": model, "ads_connect.outcome": outcome });
}

export function countWebhookDelivery(outcome: "delivered" | "failed" | "gave_up"): void {
  instruments().webhookDeliveries.add(1, { "ads_connect.outcome": outcome });
}

/** What one server instance reports when metrics are collected (each value read at most every `cacheMs` where it costs a query). */
export interface Observed {
  /** Microsoft Advertising customers whose calls are held after a 117/429. */
  holdsActive(): Promise<number>;
  /** Webhook events not yet delivered nor given up, and the oldest one's age. */
  webhookBacklog(): Promise<{ pending: number; oldestAgeSeconds: number }>;
  /** The database pool (PostgreSQL); null on SQLite (one connection). */
  databasePool(): { max: number; total: number; idle: number; waiting: number } | null;
}

/** Registers the instance's observable gauges; returns their removal (the server's stop). */
export function observeInstance(observed: Observed, cacheMs = 10_000): () => void {
  const { meter } = instruments();
  const holds = meter.createObservableGauge("ads_connect.msads.holds.active", {
    description: "Customers held after Microsoft's 117/429 throttling",
    unit: "{customer}",
  });
  const backlog = meter.createObservableGauge("ads_connect.webhook.backlog", { description: "Webhook events waiting for delivery", unit: "{event}" });
  const oldest = meter.createObservableGauge("ads_connect.webhook.oldest_pending_age", { description: "Age of the oldest webhook event waiting", unit: "s" });
  const pool = meter.createObservableGauge("ads_connect.db.pool.connections", { description: "Database pool connections by state", unit: "{connection}" });
  const poolMax = meter.createObservableGauge("ads_connect.db.pool.max", { description: "Database pool size limit", unit: "{connection}" });
  const pending = meter.createObservableGauge("ads_connect.db.pool.pending_requests", {
    description: "Queries waiting for a pool connection",
    unit: "{request}",
  });
  const readHolds = cachedFor(cacheMs, () => observed.holdsActive());
  const readBacklog = cachedFor(cacheMs, () => observed.webhookBacklog());
  const callback = async (result: BatchObservableResult) => {
    const [held, queue] = await Promise.all([readHolds().catch(() => null), readBacklog().catch(() => null)]);
    if (held !== null) result.observe(holds, held);
    if (queue) {
      result.observe(backlog, queue.pending);
      result.observe(oldest, queue.oldestAgeSeconds);
    }
    const usage = observed.databasePool();
    if (usage) {
      result.observe(pool, usage.total - usage.idle, { state: "used" });
      result.observe(pool, usage.idle, { state: "idle" });
      result.observe(poolMax, usage.max);
      result.observe(pending, usage.waiting);
    }
  };
  const observables = [holds, backlog, oldest, pool, poolMax, pending];
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}

/** A value read at most once per `ms` (a scrape every few seconds costs one query per period). */
function cachedFor<T>(ms: number, read: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at >= ms) {
      const value = read();
      last = { at: now, value };
      value.catch(() => {
        if (last?.value === value) last = undefined;
      });
    }
    return last.value;
  };
}
