import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real HTTP load balancer for scale-out tests: forwards every request to one of the instances
 * (round robin, or the one `route` pins), keeping the Host header, so the instances run behind one
 * PUBLIC_URL as they do in production. `served` records which instance answered each path.
 */
export async function startLoadBalancer() {
  let targets: string[] = [];
  let pinned: string | null = null;
  let next = 0;
  const served: { path: string; target: string }[] = [];
  const server = createServer((req, res) => {
    const target = pinned ?? targets[next++ % Math.max(1, targets.length)];
    if (!target) {
      res.writeHead(503).end("no instance");
      return;
    }
    served.push({ path: (req.url ?? "/").split("?")[0]!, target });
    const url = new URL(target);
    const upstream = request({ host: url.hostname, port: url.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502).end("instance unreachable");
      else res.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    /** The instances requests go to, in turn. */
    balance(urls: string[]) {
      targets = [...urls];
      pinned = null;
    },
    /** Sends every request to this instance until the next `balance` or `route`. */
    route(url: string) {
      pinned = url;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
