// The read path against a bare Express handler: `pnpm bench:read` (results in BENCHMARKS.md).
//
// Everything on loopback, every process separate: the bare handler and the real server (its own
// bin, LOG_LEVEL=info, the log to a file) run as child processes; wrk (Debian's, 16 connections,
// 2 threads, BENCH_SECONDS per run) measures throughput; bench/open-loop.ts (a child process)
// measures latency at a fixed rate (Debian's wrk has no -R), against the bare handler first (the
// latency baseline: what the client and the machine add) and then the server. Connections are seeded with batched
// inserts through Kysely: BENCH_CONNECTIONS (10,000) on SQLite and PostgreSQL (a throwaway
// cluster from the project's postgresCluster helper), then BENCH_BIG_CONNECTIONS (1,000,000) on
// SQLite for the lookup-latency comparison (0 skips it). Reads go to 1,000 seeded connections
// spread over the whole table.
//
// The pieces are in bench/read-path/: settings.ts (BENCH_* settings, the server's environment),
// seed.ts, processes.ts (the server and the bare handlers), load.ts (wrk and the open-loop client),
// readPath.ts (one measurement), openTelemetry.ts (the `otel` part) and table.ts (the result rows).
// This file runs the parts BENCH_PARTS names, in order, and prints the rows at the end.
import { rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { startPostgresCluster } from "../packages/server/src/testing/postgresCluster.js";
import { ensureWrk } from "./read-path/load.js";
import { openTelemetryOffAndOn } from "./read-path/openTelemetry.js";
import { readPath } from "./read-path/readPath.js";
import { BIG, CONNECTIONS, PARTS, serverEnv, THROUGHPUT, work } from "./read-path/settings.js";
import { record, results } from "./read-path/table.js";

console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}, node ${process.version}`,
);
ensureWrk();
try {
  const sqliteSmall = PARTS.has("sqlite")
    ? (
        await readPath(`SQLite, ${CONNECTIONS.toLocaleString("en")} connections`, serverEnv({ DATA_DIR: path.join(work, "sqlite-small") }), CONNECTIONS, {
          throughput: THROUGHPUT,
        })
      ).paced
    : undefined;
  if (PARTS.has("postgres")) {
    const cluster = await startPostgresCluster();
    try {
      await readPath(
        `PostgreSQL, ${CONNECTIONS.toLocaleString("en")} connections`,
        serverEnv({ DATA_DIR: path.join(work, "pg"), DATABASE_URL: cluster.url }),
        CONNECTIONS,
        { throughput: THROUGHPUT },
      );
    } finally {
      await cluster.destroy();
    }
  }
  if (PARTS.has("otel")) await openTelemetryOffAndOn();
  if (BIG > 0 && PARTS.has("big") && sqliteSmall) {
    const { paced: big } = await readPath(`SQLite, ${BIG.toLocaleString("en")} connections`, serverEnv({ DATA_DIR: path.join(work, "sqlite-big") }), BIG, {
      throughput: false,
    });
    record(
      `| lookup latency | p99 with ${BIG.toLocaleString("en")} / ${CONNECTIONS.toLocaleString("en")} connections (SQLite) | ${(big.p99 / sqliteSmall.p99).toFixed(2)}× | p50 ${(big.p50 / sqliteSmall.p50).toFixed(2)}× | |`,
    );
  }
  console.log(
    `\nload average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}\n`,
  );
  console.log(results.join("\n"));
} finally {
  rmSync(work, { recursive: true, force: true });
}
