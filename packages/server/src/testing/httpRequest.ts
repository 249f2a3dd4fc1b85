import http from "node:http";

export interface HttpResponse {
  status: number;
  headers: Headers;
  setCookies: string[];
  text: string;
}

/**
 * One plain HTTP request through node:http, for tests. Unlike `fetch` it is the same in every
 * vitest environment: a DOM environment swaps `fetch` for one that enforces CORS for its page.
 */
/**
 * `rawPath` is sent byte for byte instead of the URL's path (URL parsing would resolve `..` and
 * encoded characters first). A server that answers before reading the whole body (a 413) may reset
 * the upload: its answer still counts.
 */
export function httpRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; rawPath?: string } = {},
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    // No keep-alive: a pooled socket to a server that a test just restarted would hang up.
    const req = http.request(
      url,
      { method: init.method ?? "GET", headers: init.headers, agent: false, ...(init.rawPath ? { path: init.rawPath } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const headers = new Headers();
          let setCookies: string[] = [];
          for (const [name, value] of Object.entries(res.headers)) {
            if (name === "set-cookie") setCookies = value as string[];
            else if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
          }
          resolve({ status: res.statusCode ?? 0, headers, setCookies, text: Buffer.concat(chunks).toString("utf8") });
        });
      },
    );
    req.on("error", (err: NodeJS.ErrnoException) => (req.writableFinished || (err.code !== "EPIPE" && err.code !== "ECONNRESET") ? reject(err) : undefined));
    req.end(init.body);
  });
}
