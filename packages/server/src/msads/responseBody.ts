import { Readable, Transform } from "node:stream";
import { AppError } from "../errors.js";

export const responseTooLarge = (max: number) =>
  new AppError("proxy_response_too_large", `Microsoft Advertising's response is larger than the proxy's limit of ${max} bytes (PROXY_MAX_RESPONSE_BYTES)`, 502);

/** A response body read whole, refused past `max`. */
export async function readResponseBody(stream: ReadableStream<Uint8Array> | null, max: number): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of Readable.fromWeb(stream as import("node:stream/web").ReadableStream<Uint8Array>)) {
    size += (chunk as Buffer).length;
    if (size > max) throw responseTooLarge(max);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A response body passed on as a stream that errors (cutting the answer) past `max` bytes. */
export function boundedStream(stream: ReadableStream<Uint8Array> | null, max: number): Readable {
  if (!stream) return Readable.from([]);
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      done(size > max ? responseTooLarge(max) : null, size > max ? undefined : chunk);
    },
  });
  const source = Readable.fromWeb(stream as import("node:stream/web").ReadableStream<Uint8Array>);
  source.on("error", (err) => limit.destroy(err));
  return source.pipe(limit);
}
