import { AppError } from "../errors.js";

/** How long one statement may wait inside SQLite for another connection's lock (a synchronous wait). */
export const SQLITE_BUSY_TIMEOUT_MS = 20;
/** How long a query keeps trying, asynchronously, before it gives up with `DatabaseBusyError`. */
export const DEFAULT_BUSY_RETRY_MS = 2000;

/** The database stayed locked by another connection for the whole retry budget. */
export class DatabaseBusyError extends AppError {
  override name = "DatabaseBusyError";
  constructor(options: { cause?: unknown } = {}) {
    super("database_busy", "The database is busy (locked by another process). Try again in a moment.", 503, { ...options, retryAfterSeconds: 2 });
  }
}

/** SQLITE_BUSY and its extended codes: another connection holds a lock we need. */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

/**
 * Runs `attempt` until it stops failing with SQLITE_BUSY or `deadline` (epoch ms) passes, waiting
 * between tries with exponential backoff on a timer, so a locked database never blocks the event
 * loop for longer than SQLite's own short busy timeout. Every query goes through here.
 */
export async function retryWhileBusy<T>(attempt: () => T | Promise<T>, deadline: number): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isBusyError(err)) throw err;
      const wait = Math.min(250, 5 * 2 ** tries);
      if (Date.now() + wait >= deadline) throw new DatabaseBusyError({ cause: err });
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
