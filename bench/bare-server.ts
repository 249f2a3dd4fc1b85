// The baseline: a bare Express handler answering GET /connections/:id with the JSON a token read
// returns (the same bytes), nothing else. Run in its own process by read-path.ts.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

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
const app = express();
app.get("/connections/:id", (_req, res) => {
  res.set("cache-control", "no-store").type("application/json").send(body);
});
const server = app.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
});
