import type { Logger } from "pino";
import { type PeriodicLoop, runPeriodically } from "../jobs/periodicJob.js";
import type { DatabaseOutage } from "../store/databaseOutage.js";
import type { LastFetchedStore } from "../store/lastFetchedStore.js";

/** How often the reads recorded in memory are written (and at most how late another instance sees them). */
export const LAST_FETCHED_FLUSH_MS = 5_000;

/**
 * Connections one statement writes. Every statement has exactly this many slots (the last entry
 * repeats to fill them), so its SQL text never changes and SQLite prepares it once. Small, because
 * on SQLite a statement runs on the event loop: each row is a page of the table and one of the
 * index rewritten (about 25 µs a row), so 25 rows hold requests up for well under a millisecond.
 */
export const LAST_FETCHED_SLOTS = 25;

/**
 * `last_fetched_at` ("read recently") written off the request path: token reads record the
 * connection and the time in memory, and the recorded reads are written in one batched statement
 * every LAST_FETCHED_FLUSH_MS, before each refresh-ahead pass of this instance, and when the
 * server stops. So a token read never waits for a database write (an fsync on SQLite). A flush
 * writes in small statements and lets the event loop run between them: a thousand reads written
 * in one go held every request up for tens of milliseconds on SQLite.
 *
 * Across instances the column only moves forward: a write never replaces a later read recorded by
 * another instance. A failed write (the database down) is logged and keeps the reads for the next flush.
 */
export class LastFetchedRecorder {
  private pending = new Map<string, number>();
  private flushing: Promise<number> | undefined;
  private loop: PeriodicLoop | undefined;

  constructor(
    private readonly store: LastFetchedStore,
    private readonly logger: Logger,
    /** Told of a failed write, so an unreachable database is logged once per outage. */
    private readonly outage?: DatabaseOutage,
  ) {}

  /** Records a read of `connectionId` at `at` (ms); written by the next flush. */
  record(connectionId: string, at: number): void {
    const before = this.pending.get(connectionId);
    if (before === undefined || at > before) this.pending.set(connectionId, at);
  }

  /** Reads recorded and not yet written. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Writes the recorded reads now (waits for a flush already running, then writes what came since); resolves with how many. */
  async flush(): Promise<number> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return 0;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.write(batch).finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Flushes every LAST_FETCHED_FLUSH_MS (or `intervalMs`) until stopped. */
  start(intervalMs = LAST_FETCHED_FLUSH_MS): void {
    this.loop ??= runPeriodically({ name: "last_fetched_at flush", enabled: true, intervalMs, unref: true, logger: this.logger, pass: () => this.flush() });
  }

  /** Stops the timer and writes what is left (graceful shutdown, after the requests in flight). */
  async stop(): Promise<void> {
    await this.loop?.stop();
    await this.flush();
  }

  private async write(batch: Map<string, number>): Promise<number> {
    const entries = [...batch];
    try {
      for (let from = 0; from < entries.length; from += LAST_FETCHED_SLOTS) {
        // Requests that came in meanwhile go first (SQLite's statements run on the event loop).
        if (from > 0) await new Promise((resolve) => setImmediate(resolve));
        await this.writeSlots(entries.slice(from, from + LAST_FETCHED_SLOTS));
      }
      return entries.length;
    } catch (err) {
      // Kept for the next flush (unless a later read of the same connection was recorded meanwhile).
      for (const [id, at] of entries) this.record(id, at);
      if (!this.outage?.noted(err)) this.logger.warn({ err, connections: entries.length }, "could not write last_fetched_at; retrying with the next flush");
      return 0;
    }
  }

  private async writeSlots(entries: [string, number][]): Promise<void> {
    const last = entries[entries.length - 1]!;
    const slots = Array.from({ length: LAST_FETCHED_SLOTS }, (_, i) => entries[i] ?? last);
    await this.store.write(slots);
  }
}
