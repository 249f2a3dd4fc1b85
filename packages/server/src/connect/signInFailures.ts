import { CONNECT_ERROR, type ConnectResult, type ErrorCode } from "@ads-connect/shared";

/**
 * Longer than any callback takes from consuming its attempt to recording the result (each request
 * to Entra times out after 15 s, a busy database after 2 s). A consumed attempt with no result
 * after this long was interrupted: its process died or could not write the result.
 */
export const CALLBACK_DEADLINE_MS = 60_000;

/** Failures of our own, not of the sign-in: nobody has to fix anything, connecting again works. */
const failure = (code: ErrorCode, message: string): ConnectResult => ({ type: CONNECT_ERROR, error: { code, message, actor: "none", aadsts: null } });

export const SERVER_RESTARTING = failure("server_restarting", "The server restarted before your Microsoft Advertising account was saved. Connect again.");
export const SIGN_IN_INTERRUPTED = failure(
  "sign_in_interrupted",
  "The sign-in was interrupted before your Microsoft Advertising account was saved. Connect again.",
);
export const DATABASE_BUSY = failure(
  "database_busy",
  "The server's database was busy, so your Microsoft Advertising account was not saved. Connect again in a moment.",
);
export const INTERNAL_ERROR = failure(
  "internal_error",
  "Something went wrong on the server while saving your Microsoft Advertising account. It has been logged. Connect again.",
);

/** A consumed attempt whose result was never recorded and never will be. */
export function wasInterrupted(attempt: { consumed_at: number | null; result: string | null }, now: number): boolean {
  return attempt.consumed_at !== null && attempt.result === null && attempt.consumed_at <= now - CALLBACK_DEADLINE_MS;
}
