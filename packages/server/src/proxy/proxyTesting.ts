import http from "node:http";
import { CONNECT_SUCCESS } from "@ads-connect/shared";
import { connectAs, type Harness } from "../testing/harness.js";

/** Header names every proxied request carries for transport (fetch's own), besides the four injected ones. */
export const TRANSPORT_HEADERS = ["accept", "accept-encoding", "accept-language", "connection", "content-length", "content-type", "host", "sec-fetch-mode", "user-agent"];
export const INJECTED_HEADERS = ["authorization", "customeraccountid", "customerid", "developertoken"];

/** Connects the test user (choosing accounts with `choose`, default all) and returns the connection id. */
export async function connectUser(h: Harness, username: string, choose?: (ids: string[]) => string[]): Promise<string> {
  const { result } = await connectAs(h, username, choose ? { choose } : {});
  if (result.type !== CONNECT_SUCCESS) throw new Error(`connect failed: ${JSON.stringify(result)}`);
  return result.connection_id;
}

/**
 * A request with its path sent byte for byte (fetch and URL parsing would resolve `..` and
 * encoded characters before the server ever saw them).
 */
export function rawRequest(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; json: unknown }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname: url.hostname, port: url.port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    // A server that refuses a large body early may close before it is all written.
    req.on("error", (err: NodeJS.ErrnoException) => (err.code === "EPIPE" || err.code === "ECONNRESET" ? undefined : reject(err)));
    req.end(body);
  });
}

/** The error code of a JSON error body. */
export const codeOf = (json: unknown) => (json as { error?: { code?: string } } | undefined)?.error?.code;
