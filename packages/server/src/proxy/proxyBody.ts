import type { Readable } from "node:stream";
import { AppError } from "../errors.js";

/** A request body as the proxy takes it. */
export type ProxyBody = Buffer | string | Readable | null | undefined;

const tooLarge = (max: number) =>
  new AppError("payload_too_large", `The request body is larger than the proxy's limit of ${max} bytes (PROXY_MAX_REQUEST_BYTES); nothing was sent`, 413);

/**
 * The whole body as bytes, refused (413) past `max` before anything is sent: kept in memory so a
 * retry (after a token refresh or a 5xx) can send it again. Microsoft's request bodies are small JSON.
 */
export async function readRequestBody(body: ProxyBody, max: number, signal?: AbortSignal): Promise<Buffer | null> {
  if (body === null || body === undefined) return null;
  if (typeof body === "string" || Buffer.isBuffer(body)) {
    const bytes = typeof body === "string" ? Buffer.from(body) : body;
    if (bytes.length > max) throw tooLarge(max);
    return bytes;
  }
  return readBounded(body, max, signal);
}

/**
 * Reads a stream up to `max` bytes. Past it the stream is paused, not destroyed: a request's socket
 * must stay open for the 413 answer (the route closes the connection after it). When `signal`
 * aborts first (the call's deadline: a client sending its body slowly) it rejects with its reason.
 */
function readBounded(stream: Readable, max: number, signal?: AbortSignal): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err: unknown) => {
      stream.off("data", onData).off("end", onEnd).off("error", onError);
      signal?.removeEventListener("abort", onAbort);
      if (err) {
        stream.pause();
        reject(err);
      } else resolve(size === 0 ? null : Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += bytes.length;
      if (size > max) done(tooLarge(max));
      else chunks.push(bytes);
    };
    const onEnd = () => done(null);
    const onError = (err: Error) => done(new AppError("invalid_body", "The request body could not be read", 400, { cause: err }));
    const onAbort = () => done(signal?.reason ?? new Error("aborted"));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    stream.on("data", onData).on("end", onEnd).on("error", onError);
  });
}
