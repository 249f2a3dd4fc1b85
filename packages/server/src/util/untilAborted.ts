/**
 * `work`, unless `signal` aborts first: then rejects at once with the signal's reason while `work`
 * goes on by itself (its result or error is dropped). For work that must not be cut halfway, such
 * as a token refresh whose rotated refresh token has to be stored, but that a caller with a
 * deadline must stop waiting for.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    // Settling after the abort is a no-op, and handling it here leaves no unhandled rejection.
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}
