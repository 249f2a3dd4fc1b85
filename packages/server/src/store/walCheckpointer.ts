import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** How often the worker checkpoints the WAL (a passive checkpoint of an empty WAL costs next to nothing). */
export const WAL_CHECKPOINT_INTERVAL_MS = 1_000;

/**
 * `wal_autocheckpoint` of the app's own connection while the worker runs: a backstop only (about
 * 40 MB of WAL), reached if the worker stops keeping up. With SQLite's default (1,000 pages) the
 * commit that crosses it would copy the whole WAL into the database and fsync it on the event loop.
 */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;

/** What one checkpoint did (SQLite's `wal_checkpoint` row), or why it failed. */
export type CheckpointResult = { busy: number; log: number; checkpointed: number } | { error: string; code?: string };

const STOPPED: CheckpointResult = { error: "the checkpoint worker has stopped" };

// The worker, as source evaluated in the thread (CommonJS, no TypeScript: the same whether the
// server runs from source or from dist). Its own connection runs PASSIVE checkpoints: they copy
// what no reader still needs from the WAL into the database file and never wait for or block
// readers and writers of other connections; once everything is copied, the next write starts the
// WAL over from its beginning, so it stays small.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file, { fileMustExist: true });
function checkpoint(id) {
  try {
    const [row] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ id, ...row });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message), code: err && err.code });
  }
}
const timer = setInterval(() => checkpoint(0), workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message.checkpoint) return checkpoint(message.checkpoint);
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * WAL checkpoints of a SQLite file on a worker thread, off the event loop. better-sqlite3 is
 * synchronous: with SQLite's automatic checkpoints, every thousandth page written would make one
 * request's commit copy the WAL into the database file and fsync it while every other request
 * waits (a batched `last_fetched_at` write can cross that line on its own). The checkpoint is no
 * less durable here: the WAL's commits were already synced by their writers.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private readonly waiting = new Map<number, (result: CheckpointResult) => void>();
  private lastId = 0;
  private stopped = false;
  /** The latest checkpoint's result (by the timer or `checkpoint()`), undefined before the first. */
  last: CheckpointResult | undefined;

  constructor(file: string, options: { intervalMs?: number; onError?: (result: CheckpointResult) => void } = {}) {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs: options.intervalMs ?? WAL_CHECKPOINT_INTERVAL_MS } });
    // Never what keeps the process alive.
    this.worker.unref();
    this.worker.on("message", ({ id, ...result }: CheckpointResult & { id: number }) => {
      this.last = result;
      if ("error" in result) options.onError?.(result);
      this.waiting.get(id)?.(result);
      this.waiting.delete(id);
    });
    this.worker.on("error", (err) => options.onError?.({ error: err.message }));
    this.exited = new Promise((resolve) =>
      this.worker.once("exit", () => {
        this.stopped = true;
        for (const resolveWaiting of this.waiting.values()) resolveWaiting(STOPPED);
        this.waiting.clear();
        resolve();
      }),
    );
  }

  /** Checkpoints now (besides the timer) and resolves with what it did; for tests and tools. */
  checkpoint(): Promise<CheckpointResult> {
    if (this.stopped) return Promise.resolve(STOPPED);
    const id = ++this.lastId;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ checkpoint: id });
    });
  }

  /** Stops the timer, closes the worker's connection and waits for the thread to end. */
  async stop(): Promise<void> {
    // Held open until the thread has closed its connection (else a process with nothing else left
    // to do would end with the stop unfinished).
    this.worker.ref();
    this.worker.postMessage({ stop: true });
    await this.exited;
  }
}
