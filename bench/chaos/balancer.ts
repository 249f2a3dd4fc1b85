import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

/** What the balancer's own answers carry, so the driver tells them from the server's. */
export const BALANCER_HEADER = "x-chaos-balancer";

/**
 * The load balancer in front of the instances (PUBLIC_URL points here), round robin over the
 * instances the driver marks up; an instance that dies mid-request gives the balancer's own 502
 * (marked) or a cut connection, as a real one would.
 */
export async function startBalancer() {
  let targets: string[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    const target = targets[next++ % Math.max(1, targets.length)];
    if (!target) {
      res.writeHead(502, { [BALANCER_HEADER]: "no-instance" }).end("no instance");
      return;
    }
    const url = new URL(target);
    const upstream = request({ host: url.hostname, port: url.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on("error", () => res.destroy());
      answer.on("aborted", () => res.destroy());
    });
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { [BALANCER_HEADER]: "unreachable" }).end("instance unreachable");
      else res.destroy();
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    balance(urls: string[]) {
      targets = [...urls];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
