// The `otel` part: the read path with OpenTelemetry's export off and on.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { readPath } from "./readPath.js";
import { CONNECTIONS, serverEnv, THROUGHPUT, work } from "./settings.js";
import { record } from "./table.js";

/**
 * The token read path with OpenTelemetry off (no OTEL_* settings: no SDK loaded) and on (traces and
 * metrics exported over OTLP/HTTP to a local collector that takes everything, metrics every 5 s),
 * each on a fresh SQLite database of CONNECTIONS; the rows compare each to the bare handler, and
 * the last row the two servers' open-loop latency.
 */
export async function openTelemetryOffAndOn() {
  const collector = createServer((req, res) => req.resume().on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}")));
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  try {
    const label = (state: string) => `SQLite, ${CONNECTIONS.toLocaleString("en")} connections, OpenTelemetry ${state}`;
    const { paced: off, token: offRun } = await readPath(label("off"), serverEnv({ DATA_DIR: path.join(work, "otel-off") }), CONNECTIONS, {
      throughput: THROUGHPUT,
    });
    const { paced: on, token: onRun } = await readPath(
      label("on (OTLP traces and metrics)"),
      serverEnv({ DATA_DIR: path.join(work, "otel-on"), OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_METRIC_EXPORT_INTERVAL: "5000" }),
      CONNECTIONS,
      { throughput: THROUGHPUT },
    );
    // CPU time per read is the steadier figure on a shared machine; open-loop latency moves with its load.
    const cpu =
      THROUGHPUT && offRun && onRun
        ? `CPU/read ${(onRun.cpuUsPerRequest / offRun.cpuUsPerRequest).toFixed(2)}×, req/s ${(onRun.rps / offRun.rps).toFixed(2)}×`
        : "";
    record(
      `| OpenTelemetry | token reads, export on / off (SQLite) | p50 ${(on.p50 / off.p50).toFixed(2)}× | p99 ${(on.p99 / off.p99).toFixed(2)}× | ${cpu} |`,
    );
  } finally {
    collector.close();
    collector.closeAllConnections();
  }
}
