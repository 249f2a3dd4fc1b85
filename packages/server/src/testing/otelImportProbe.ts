// Run in a child process (telemetry/noSdk.test.ts): starts the server twice, without then with an
// OTLP endpoint, and prints which OpenTelemetry modules each start loaded, as one JSON line.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire, register } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { MessageChannel } from "node:worker_threads";

// Every module resolution (ESM hooks), reported back from the hooks' thread.
const resolved: string[] = [];
const { port1, port2 } = new MessageChannel();
port1.on("message", (url: string) => resolved.push(url));
port1.unref();
const hooks = `let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) { const result = await next(specifier, context); port.postMessage(result.url); return result; }`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { port: port2 }, transferList: [port2] });

/** OpenTelemetry modules other than the API, resolved as ESM or loaded as CommonJS so far. */
async function sdkModulesLoaded(): Promise<string[]> {
  // A marker import: once its resolution is reported, every earlier one has been too.
  const marker = `data:text/javascript,export default ${Date.now()}`;
  await import(marker);
  while (!resolved.includes(marker)) await new Promise((resolve) => setTimeout(resolve, 5));
  const cjs = Object.keys(createRequire(import.meta.url).cache);
  return [...new Set([...resolved, ...cjs].filter((m) => /@opentelemetry[/+](?!api[/@])/.test(m)))];
}

const { startAdsConnect } = await import("../server.js");
const dataDir = mkdtempSync(path.join(tmpdir(), "ads-connect-otel-probe-"));
const env = {
  PORT: "0",
  DATA_DIR: dataDir,
  MICROSOFT_CLIENT_ID: "probe-client",
  MICROSOFT_CLIENT_SECRET: "probe-client-secret",
  // Nothing listens there: Entra's discovery fails at once (logged), nothing leaves the machine.
  ENTRA_EMULATOR_URL: "http://127.0.0.1:9",
  LOG_LEVEL: "silent",
};
const without = await startAdsConnect({ env });
await without.close();
const unset = await sdkModulesLoaded();
// A collector that takes everything, so the stop's last export is quick.
const collector = createServer((req, res) => req.resume().on("end", () => res.writeHead(200).end()));
await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
const traced = await startAdsConnect({ env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_METRICS_EXPORTER: "none" } });
const set = await sdkModulesLoaded();
await traced.close();
collector.close();
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ unset, set })}\n`);
