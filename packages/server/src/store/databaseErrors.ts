import { AppError } from "../errors.js";

/**
 * Errors that mean "the database cannot be reached right now" rather than a bug: the connection was
 * refused, dropped or timed out, or the server is shutting down or starting. Requests answer them
 * with a 503 and Retry-After; the pool reconnects by itself once the database is back.
 */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE"]);
// PostgreSQL SQLSTATEs: admin/crash shutdown, starting up, too many connections, statement timeout.
const POSTGRES_CODES = new Set(["57P01", "57P02", "57P03", "53300", "57014"]);
const MESSAGES = [
  "timeout exceeded when trying to connect",
  "Connection terminated",
  "Query read timeout",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
];

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string" && (NETWORK_CODES.has(code) || POSTGRES_CODES.has(code) || code.startsWith("08"))) return true;
    if (typeof message === "string" && MESSAGES.some((m) => message.includes(m))) return true;
    if (e instanceof AggregateError && e.errors.some(isDatabaseUnavailable)) return true;
  }
  return false;
}

/** Seconds a client should wait before trying again while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * The database's side of the error family: an error that means the database is unreachable becomes
 * AppError `database_unavailable` (503, Retry-After), the original as its cause; null for anything else.
 */
export function fromDatabaseError(err: unknown): AppError | null {
  if (!isDatabaseUnavailable(err)) return null;
  return new AppError("database_unavailable", "The database is unreachable right now; try again shortly.", 503, {
    cause: err,
    retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
  });
}
