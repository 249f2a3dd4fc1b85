#!/usr/bin/env node
import { parseArgs } from "node:util";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET } from "./devClient.js";
import { SANDBOX_DEVELOPER_TOKEN, startMicrosoftAdsEmulator } from "./msads/startMicrosoftAdsEmulator.js";
import { startEntraEmulator } from "./startEntraEmulator.js";

const USAGE = `Usage: msads-emulator [--port <port>] [--entra-port <port>] [--host <host>]

A local Microsoft Advertising API (Customer Management, Campaign Management and Reporting v13 REST)
together with the Entra emulator whose access tokens it accepts, for development and tests only.
Point the ads-connect server at them with MICROSOFT_ADS_API_URL and ENTRA_EMULATOR_URL (both printed).
  --port        port of the Microsoft Advertising emulator (default: 4012; 0 picks a free port)
  --entra-port  port of the Entra emulator (default: 4011; 0 picks a free port)
  --host        interface to listen on (default: HOST, else 127.0.0.1)
  --help        show this help`;

let options;
try {
  options = parseArgs({
    options: { port: { type: "string" }, "entra-port": { type: "string" }, host: { type: "string" }, help: { type: "boolean", short: "h" } },
    strict: true,
  }).values;
} catch (err) {
  console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
const portOf = (value: string) => {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`ports must be port numbers (0-65535)\n\n${USAGE}`);
    process.exit(2);
  }
  return port;
};
const host = options.host ?? process.env.HOST ?? "127.0.0.1";
try {
  const entra = await startEntraEmulator({ port: portOf(options["entra-port"] ?? "4011"), host, logger: (line) => console.log(`[entra-emulator] ${line}`) });
  const ads = await startMicrosoftAdsEmulator({ entra, port: portOf(options.port ?? "4012"), host, logger: (line) => console.log(`[msads-emulator] ${line}`) });
  console.log(`Microsoft Advertising emulator (development only) at ${ads.url}
  MICROSOFT_ADS_API_URL   ${ads.url}
  developer token         ${SANDBOX_DEVELOPER_TOKEN} (the sandbox's universal token)
Entra emulator at ${entra.url}
  ENTRA_EMULATOR_URL      ${entra.url}
  client id               ${DEV_CLIENT_ID}
  client secret           ${DEV_CLIENT_SECRET}`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      Promise.all([ads.close(), entra.close()]).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
} catch (err) {
  console.error(`Emulators could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
