import { randomUUID } from "node:crypto";
import { type AuthWebhookBody, type SyncWebhookBody, WEBHOOK_IDEMPOTENCY_HEADER, WEBHOOK_SIGNATURE_HEADER, type WebhookDelivery } from "@ads-connect/shared";
import { ROOT_CONTEXT } from "@opentelemetry/api";
import type { Logger } from "pino";
import { OperationLog } from "../oplog/operationLog.js";
import { isDatabaseUnavailable } from "../store/databaseErrors.js";
import type { DatabaseOutage } from "../store/databaseOutage.js";
import type { WebhookOutboxStore } from "../store/webhookOutboxStore.js";
import { countWebhookDelivery } from "../telemetry/metrics.js";
import {
  activeSpan,
  currentTraceparent,
  extractContext,
  injectTraceHeaders,
  inSpan,
  operationAttributes,
  recordFailure,
  SpanKind,
} from "../telemetry/tracing.js";
import { type Clock, systemClock } from "../util/clock.js";
import { signWebhook } from "./signWebhook.js";

export interface WebhookOutbox {
  /**
   * Queues an event. Pass the outbox repository of the transaction that makes the change it reports
   * (`tx.webhooks` in Stores.transaction), so the event exists exactly when the change does. Returns the event's idempotency id (null with no WEBHOOK_URL).
   */
  enqueue(
    body: Omit<AuthWebhookBody, "idempotencyKey"> | Omit<SyncWebhookBody, "idempotencyKey">,
    store?: WebhookOutboxStore,
    options?: { dueAt?: number },
  ): Promise<string | null>;
  /**
   * Replaces a queued event's body (same idempotency id) and makes it due now, unless it was sent
   * or is being sent; false then (the event went out as it was).
   */
  release(id: string, body: Omit<AuthWebhookBody, "idempotencyKey">, store?: WebhookOutboxStore): Promise<boolean>;
  /** Makes an undelivered event (pending or given up) due now, for an operator: false when there is none to retry. */
  retryNow(id: string): Promise<boolean>;
  /** Starts delivering (and keeps retrying) events from the database. */
  start(): void;
  /** Stops delivering; resolves when the delivery in flight has finished. */
  stop(): Promise<void>;
  /** The delivery log, newest event first. */
  deliveries(options: { limit: number; connectionId?: string | undefined }): Promise<WebhookDelivery[]>;
}

const CLAIM_MS = 60_000;
const BATCH = 20;

import { recordDelivery } from "./deliveryOperation.js";
/**
 * Durable webhooks: events live in `webhook_outbox` (written in the transaction of the change they
 * report) until the receiver answers 2xx, retried with exponential backoff and jitter, across
 * restarts. Several server processes on one database share the queue: each event is sent by the
 * one dispatcher whose conditional UPDATE claimed it (`locked_until`, the claim's expiry and token),
 * and a claim left by a dead process expires after CLAIM_MS so another one delivers the event.
 */
export function createWebhookOutbox(options: {
  store: WebhookOutboxStore;
  url: string | null;
  signingKey: string;
  logger: Logger;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How often the database is checked for due events when nothing wakes the dispatcher. */
  pollMs?: number;
  now?: Clock;
  /** Each event's delivery is a `webhook/deliver` operation, its attempts HTTP steps. */
  operations?: OperationLog;
  /** Told of failures, so an unreachable database is logged once per outage. */
  outage?: DatabaseOutage | undefined;
}): WebhookOutbox {
  const { store, logger } = options;
  const operations = options.operations ?? OperationLog.disabled();
  const now = options.now ?? systemClock;
  const pollMs = options.pollMs ?? 1000;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let again = false;
  let draining = false;

  const backoff = (attempts: number) => {
    const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempts - 1));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  };

  /** `claim` is the claim's token (its end by the database's clock); `deadline`, its end by this process's clock. */
  async function deliver(id: string, raw: string, attempts: number, claim: number, deadline: number): Promise<void> {
    const started = now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(options.url!, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(options.signingKey, raw),
          [WEBHOOK_IDEMPOTENCY_HEADER]: id,
          "user-agent": "ads-connect",
          // The receiver may continue the trace (W3C traceparent; nothing without tracing).
          ...injectTraceHeaders({}),
        },
        body: raw,
        signal: AbortSignal.timeout(10_000),
      });
      statusCode = res.status;
      await res.body?.cancel();
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (err) {
      error = err instanceof Error ? (err.name === "TimeoutError" ? "timeout" : `network error (${err.name})`) : "network error";
    }
    const at = now();
    const attempt = attempts + 1;
    recordDelivery(operations, {
      id,
      raw,
      url: options.url!,
      attempt,
      maxAttempts: options.maxAttempts,
      statusCode,
      error,
      startedAt: started,
      durationMs: at - started,
    });
    const outcome =
      error === null
        ? { attempts: attempt, delivered_at: at, locked_until: null, last_error: null }
        : attempt >= options.maxAttempts
          ? { attempts: attempt, gave_up_at: at, locked_until: null, last_error: error }
          : { attempts: attempt, next_attempt_at: at + backoff(attempt), locked_until: null, last_error: error };
    const record = () => store.recordAttempt(id, claim, { startedAt: started, endedAt: at, statusCode, error }, outcome);
    const kept = await recordWhileClaimed(id, deadline, record);
    if (!kept) logger.warn({ webhookId: id, attempt }, "webhook claim expired during its delivery; another dispatcher owns the event now");
    const log = { webhookId: id, attempt };
    countWebhookDelivery(error === null ? "delivered" : attempt >= options.maxAttempts ? "gave_up" : "failed");
    const span = activeSpan();
    if (statusCode !== null) span?.setAttribute("http.response.status_code", statusCode);
    if (error !== null) recordFailure(span, { code: statusCode === null ? "network_error" : `http_${statusCode}` });
    if (error === null) logger.info(log, "webhook delivered");
    else if (attempt >= options.maxAttempts) logger.error({ ...log, failure: error }, "webhook delivery failed, giving up");
    else logger.warn({ ...log, failure: error }, "webhook delivery failed, will retry");
  }

  /**
   * Writes a delivery's outcome. While the database is unreachable (a restart, a failover) the write
   * is tried again until it is back, as long as this dispatcher runs and its claim lasts: the
   * receiver has had the event, so giving up would leave the event claimed until the claim expires
   * and then send it a second time. Stopped or past the claim, the last error is thrown and the
   * event goes out again once its claim has expired (at least once; the idempotency key is the same).
   */
  async function recordWhileClaimed(id: string, deadline: number, record: () => Promise<boolean>): Promise<boolean> {
    for (let tries = 1; ; tries++) {
      try {
        return await record();
      } catch (err) {
        if (!isDatabaseUnavailable(err) || !running || now() + pollMs >= deadline) throw err;
        if (tries === 1) {
          // With an outage log (the server's), the outage itself is logged there once.
          if (options.outage?.noted(err)) logger.info({ webhookId: id }, "the webhook's delivery result is written once the database is back");
          else logger.warn({ webhookId: id }, "database unreachable: the webhook's delivery result is written once it is back");
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, 100 * tries)));
      }
    }
  }

  /** Delivers every due event once; true when there may be more due right now. */
  async function drain(): Promise<boolean> {
    const t = now();
    const due = await store.due(t, BATCH);
    for (const row of due) {
      if (!running) return false;
      // The claim: one conditional UPDATE that re-checks that the event is still due and unclaimed
      // (another dispatcher may have delivered it, or failed it into a later retry, since the list
      // was read) and returns the event as it is now. Of several dispatchers, exactly one gets it.
      const at = now();
      const claimed = await store.claim(row.id, at, CLAIM_MS);
      if (claimed)
        await traceDelivery(row.id, claimed.attempts, claimed.trace_context, () =>
          deliver(row.id, claimed.body, claimed.attempts, claimed.claim, at + CLAIM_MS),
        );
    }
    return due.length === BATCH;
  }

  function schedule(delay: number) {
    clearTimeout(timer);
    if (running) timer = setTimeout(tick, delay);
  }

  function tick() {
    if (!running) return;
    // One pass at a time: a wake-up during a pass runs another right after it. Two passes at once
    // would leave stop() awaiting only the newer one, and the older one's claim would outlive the
    // database it writes its result to (the event then waits for the claim to expire).
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    again = false;
    inFlight = drain()
      .finally(() => {
        draining = false;
      })
      .then(
        (more) => schedule(more || again ? 0 : pollMs),
        (err: unknown) => {
          if (!options.outage?.noted(err)) logger.error({ err }, "webhook dispatcher failed; retrying");
          schedule(pollMs);
        },
      );
  }

  return {
    async enqueue(body, target = store, enqueueOptions = {}) {
      if (!options.url) return null;
      const id = randomUUID();
      const t = now();
      // The trace that queued it (a connect flow's, a refresh's): the delivery is traced under it.
      const traceContext = currentTraceparent();
      await target.insert({ id, body: JSON.stringify({ ...body, idempotencyKey: id }), createdAt: t, dueAt: enqueueOptions.dueAt ?? t, traceContext });
      // Wake the dispatcher soon; inside a transaction the row shows once the caller commits.
      again = true;
      if (running) setImmediate(() => schedule(0));
      return id;
    },
    async release(id, body, target = store) {
      const released = await target.release(id, JSON.stringify({ ...body, idempotencyKey: id }), now());
      again = true;
      if (running) setImmediate(() => schedule(0));
      return released;
    },
    async retryNow(id) {
      const due = await store.retryNow(id, now());
      again = true;
      if (due && running) setImmediate(() => schedule(0));
      return due;
    },
    start() {
      if (running || !options.url) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await inFlight;
    },
    async deliveries({ limit, connectionId }) {
      const events = await store.latest(limit, connectionId);
      const attempts = await store.attemptsOf(events.map((e) => e.id));
      return events.map((e) => {
        const body = JSON.parse(e.body) as AuthWebhookBody | SyncWebhookBody;
        return {
          id: e.id,
          type: body.type,
          operation: body.type === "auth" ? body.operation : null,
          success: body.success,
          connection_id: body.connectionId,
          status: e.delivered_at !== null ? "delivered" : e.gave_up_at !== null ? "failed" : "pending",
          created_at: new Date(e.created_at).toISOString(),
          delivered_at: e.delivered_at === null ? null : new Date(e.delivered_at).toISOString(),
          next_attempt_at: e.delivered_at === null && e.gave_up_at === null ? new Date(e.next_attempt_at).toISOString() : null,
          attempts: attempts
            .filter((a) => a.outbox_id === e.id)
            .map((a) => ({ at: new Date(a.attempted_at).toISOString(), status_code: a.status_code, error: a.error, duration_ms: a.duration_ms })),
        };
      });
    },
  };
}

/** A delivery attempt as a span (`webhook` / `deliver`) under the trace that queued the event. */
function traceDelivery(id: string, attempts: number, traceparent: string | null | undefined, deliver: () => Promise<void>): Promise<void> {
  const attributes = {
    ...operationAttributes({ type: "webhook", action: "deliver" }),
    "ads_connect.webhook.id": id,
    "ads_connect.webhook.attempt": attempts + 1,
  };
  return inSpan(
    "ads_connect webhook deliver",
    { kind: SpanKind.CLIENT, attributes, parent: traceparent ? extractContext({ traceparent }) : ROOT_CONTEXT },
    deliver,
  );
}
