// The baselines: a bare Express handler answering GET /connections/:id with the JSON a token read
// returns (the same bytes), nothing else; with `--raw`, the same answer from a plain `node:http`
// handler (no framework: the latency floor of this machine, client and Node). Run in its own
// process by read-path.ts. Usage: tsx bare-server.ts <body file> [--raw]

import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";

const require = createRequire(new URL("../packages/server/package.json", import.meta.url));
interface Res {
  set(name: string, value: string): Res;
  type(type: string): Res;
  send(body: string): void;
}
const express = require("express") as () => {
  get(path: string, handler: (req: unknown, res: Res) => void): void;
  listen(port: number, host: string, ready: () => void): { address(): unknown };
};

const body = readFileSync(process.argv[2]!, "utf8");
const listening = (server: { address(): unknown }) => () => process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
if (process.argv[3] === "--raw") {
  const bytes = Buffer.from(body, "utf8");
  const server = createServer((req, res) => {
    if (req.method !== "GET" || !req.url?.startsWith("/connections/")) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader("cache-control", "no-store");
    res.setHeader("content-type", "application/json; charset=utf-8");
    res.setHeader("content-length", bytes.length);
    res.end(bytes);
  });
  server.listen(0, "127.0.0.1", listening(server));
} else {
  const app = express();
  app.get("/connections/:id", (_req, res) => {
    res.set("cache-control", "no-store").type("application/json").send(body);
  });
  const server = app.listen(0, "127.0.0.1", () => listening(server)());
}
