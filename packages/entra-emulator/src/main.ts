#!/usr/bin/env node
import { parseArgs } from "node:util";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET } from "./devClient.js";
import { startEntraEmulator } from "./startEntraEmulator.js";

const USAGE = `Usage: entra-emulator [--port <port>] [--host <host>]

A local identity provider shaped like Microsoft Entra ID v2.0, for development and tests only.
Point the ads-connect server at it with ENTRA_EMULATOR_URL=<the printed URL> and its client id/secret.
  --port  port to listen on (default: PORT, else 4011; 0 picks a free port)
  --host  interface to listen on (default: HOST, else 127.0.0.1)
  --help  show this help`;

let options;
try {
  options = parseArgs({ options: { port: { type: "string" }, host: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true }).values;
} catch (err) {
  console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = Number(options.port ?? process.env.PORT ?? 4011);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number (0-65535)\n\n${USAGE}`);
  process.exit(2);
}

const emulator = await startEntraEmulator({
  port,
  host: options.host ?? process.env.HOST ?? "127.0.0.1",
  logger: (line) => console.log(`[entra-emulator] ${line}`),
}).catch((err: unknown) => {
  console.error(`Entra emulator could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

console.log(`Entra emulator (development only) at ${emulator.url}
  discovery      ${emulator.url}/common/v2.0/.well-known/openid-configuration
  client id      ${DEV_CLIENT_ID}
  client secret  ${DEV_CLIENT_SECRET}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
