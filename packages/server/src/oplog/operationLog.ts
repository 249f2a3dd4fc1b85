import { PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import type { Logger } from "pino";
import type { DatabaseOutage } from "../store/databaseOutage.js";
import type { OperationMessageRow, OperationRow, OperationStore } from "../store/operationStore.js";
import { type Clock, systemClock } from "../util/clock.js";
import { Operation, type OperationSink, type OperationStart } from "./operation.js";

export interface OperationLogOptions {
  /** How often what was recorded is written (ms). */
  flushIntervalMs?: number;
  /** A flush starts at once when this many rows wait. */
  flushAtRows?: number;
  /** Rows kept waiting at most (the database down): beyond it new ones are dropped and counted. */
  maxPendingRows?: number;
  now?: Clock;
  /** Told of a failed write, so an unreachable database is logged once per outage (this log's line is then info). */
  outage?: DatabaseOutage;
}

/** Rows one statement writes: on SQLite a statement runs on the event loop, so batches stay small. */
const CHUNK = 100;

/**
 * The operation log's recorder (`operations.start(...)`): operations and their messages are kept in
 * memory and written in batches, every `flushIntervalMs`, as soon as `flushAtRows` wait, and when the
 * server stops. A request never waits for these writes, and a failed write never fails it: the rows
 * are kept for the next flush, up to `maxPendingRows`; past that they are dropped and counted.
 * Without a store (`OperationLog.disabled()`) nothing is kept.
 */
export class OperationLog implements OperationSink {
  /** Operations changed since the last flush; two handles of one operation (a resumed one) are merged when written. */
  private dirty = new Set<Operation>();
  private messages: OperationMessageRow[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private warnedAt = 0;
  private readonly now: Clock;
  private readonly flushAtRows: number;
  private readonly maxPendingRows: number;
  /** Rows dropped because the queue was full (the database down or too slow). */
  dropped = 0;

  constructor(
    private readonly store: OperationStore | null,
    private readonly logger: Logger | null,
    private readonly options: OperationLogOptions = {},
  ) {
    this.now = options.now ?? systemClock;
    this.flushAtRows = options.flushAtRows ?? 200;
    this.maxPendingRows = options.maxPendingRows ?? 20_000;
  }

  /** A log that records nothing (services built without one, e.g. in unit tests). */
  static disabled(): OperationLog {
    return new OperationLog(null, null);
  }

  start(start: OperationStart): Operation {
    return new Operation(this, start, this.now(), this.now);
  }

  /**
   * An operator's action (the console's `admin/operator_action`): `name` says what was done (e.g.
   * "delete_connection", "retry_webhook"); end it with `succeed()` or `fail(error)`.
   */
  operatorAction(name: string, target: { connectionId?: string | null; endUserId?: string | null; meta?: Record<string, unknown> } = {}): Operation {
    return this.start({
      type: "admin",
      action: "operator_action",
      connectionId: target.connectionId,
      endUserId: target.endUserId,
      integration: PROVIDER_CONFIG_KEY,
      meta: { ...target.meta, operatorAction: name },
    });
  }

  /**
   * The handle of an operation started earlier, maybe by another instance (a connect attempt's id
   * travels in its connect session): what it writes is merged into the stored row.
   */
  resume(id: string, start: OperationStart, startedAt: number = this.now()): Operation {
    return new Operation(this, start, startedAt, this.now, id);
  }

  /** Rows waiting to be written. */
  get pendingRows(): number {
    return this.dirty.size + this.messages.length;
  }

  changed(op: Operation): void {
    if (!this.store) return;
    if (!this.dirty.has(op) && !this.room()) return;
    this.dirty.add(op);
    this.maybeFlush();
  }

  message(row: OperationMessageRow): void {
    if (!this.store || !this.room()) return;
    this.messages.push(row);
    this.maybeFlush();
  }

  /** Writes what is waiting now (after a flush already running); never throws. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (!this.store || this.pendingRows === 0) return;
    const ops = [...this.dirty];
    const messages = this.messages;
    this.dirty = new Set();
    this.messages = [];
    this.flushing = this.write(this.store, ops, messages).finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  /** Flushes every `flushIntervalMs` (default 1 s) until stopped. */
  startFlushing(): void {
    if (!this.store || this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** Stops the timer and writes what is left (graceful shutdown, after the requests in flight). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private room(): boolean {
    if (this.pendingRows < this.maxPendingRows) return true;
    this.dropped++;
    return false;
  }

  private maybeFlush(): void {
    if (this.pendingRows >= this.flushAtRows && !this.flushing) setImmediate(() => void this.flush());
  }

  private async write(store: OperationStore, ops: Operation[], messages: OperationMessageRow[]): Promise<void> {
    // Snapshots taken now: an operation changed later is marked dirty again and written next time.
    const rows = mergeById(ops.map((op) => op.toRow()));
    let done = 0;
    try {
      for (; done < Math.max(rows.length, messages.length); done += CHUNK) {
        if (done > 0) await new Promise((resolve) => setImmediate(resolve));
        await store.write(rows.slice(done, done + CHUNK), messages.slice(done, done + CHUNK));
      }
    } catch (err) {
      // Kept for the next flush, as far as there is room; operations first (messages need them less).
      for (const op of ops.slice(done)) this.changed(op);
      for (const row of messages.slice(done)) this.message(row);
      if (this.now() - this.warnedAt > 60_000) {
        this.warnedAt = this.now();
        const level = this.options.outage?.noted(err) ? "info" : "warn";
        this.logger?.[level]({ err, pending: this.pendingRows, dropped: this.dropped }, "could not write the operation log; retrying at the next flush");
      }
    }
  }
}

/**
 * One row per operation id, as OperationStore.write merges a row into the stored one: the first
 * handle's start, type and action; later handles' fields where set; an end is not undone.
 */
function mergeById(rows: OperationRow[]): OperationRow[] {
  const byId = new Map<string, OperationRow>();
  for (const row of rows) {
    const before = byId.get(row.id);
    if (!before) {
      byId.set(row.id, row);
      continue;
    }
    const merged = { ...before };
    for (const [key, value] of Object.entries(row) as [keyof OperationRow, never][]) if (value !== null) merged[key] = value;
    merged.started_at = before.started_at;
    merged.type = before.type;
    merged.action = before.action;
    if (before.ended_at !== null && row.ended_at === null) merged.state = before.state;
    merged.duration_ms = merged.ended_at === null ? null : merged.ended_at - merged.started_at;
    byId.set(row.id, merged);
  }
  return [...byId.values()];
}
