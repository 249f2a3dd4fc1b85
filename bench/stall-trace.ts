// Bench-only: what stalls the server's event loop, with the wall-clock time of each stall, so the
// slow requests of an open-loop run can be lined up with their cause. Loaded into the server
// process by read-path.ts (`node --import tsx --import ./bench/stall-trace.ts …`) when BENCH_TRACE
// is set; the server's own code is not changed. Writes one JSON line per event to
// STALL_TRACE_FILE when the process exits:
// - `stall`: the event loop did not get to a 1 ms timer for `ms` (a blocking call, a GC, or the
//   CPU taken by other processes);
// - `gc`: a garbage collection (`kind`: minor, major, incremental, weak) and its pause;
// - `sql`: a better-sqlite3 call that took more than SQL_SLOW_MS on the event loop, with its SQL
//   (a commit's fsync, a WAL checkpoint run by the commit that crossed `wal_autocheckpoint`);
// - `summary`: the event-loop delay histogram (perf_hooks.monitorEventLoopDelay) over the run.

import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { constants, monitorEventLoopDelay, PerformanceObserver, performance } from "node:perf_hooks";

const FILE = process.env.STALL_TRACE_FILE;
const STALL_MS = 2;
const SQL_SLOW_MS = 1;
const events: object[] = [];
const epoch = (t: number) => Math.round((performance.timeOrigin + t) * 1000) / 1000;

if (FILE) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();

  // Stalls with their time: a 1 ms timer that notes every gap longer than STALL_MS beyond its period.
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const late = now - last - 1;
    if (late > STALL_MS) events.push({ type: "stall", at: epoch(last), ms: Number(late.toFixed(2)) });
    last = now;
  }, 1).unref();

  const GC_KINDS: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
    [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weak",
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = (entry as unknown as { detail?: { kind?: number } }).detail;
      events.push({
        type: "gc",
        at: epoch(entry.startTime),
        ms: Number(entry.duration.toFixed(2)),
        kind: GC_KINDS[detail?.kind ?? -1] ?? String(detail?.kind),
      });
    }
  }).observe({ entryTypes: ["gc"] });

  // The server's better-sqlite3 (the same module instance it loads): time every statement call.
  const require = createRequire(new URL("../packages/server/package.json", import.meta.url));
  const SQLite = require("better-sqlite3") as { prototype: Record<string, unknown> };
  const probe = new (SQLite as unknown as new (file: string) => { prepare(sql: string): object; close(): void })(":memory:");
  const Statement = Object.getPrototypeOf(probe.prepare("select 1")) as Record<string, (...args: unknown[]) => unknown>;
  probe.close();
  for (const method of ["run", "all", "get"]) {
    const inner = Statement[method]!;
    Statement[method] = function (this: { source: string }, ...args: unknown[]) {
      const started = performance.now();
      try {
        return inner.apply(this, args);
      } finally {
        const ms = performance.now() - started;
        if (ms > SQL_SLOW_MS) events.push({ type: "sql", at: epoch(started), ms: Number(ms.toFixed(2)), sql: this.source.replace(/\s+/g, " ").slice(0, 60) });
      }
    };
  }

  process.on("exit", () => {
    const ms = (ns: number) => Number((ns / 1e6).toFixed(2));
    events.push({ type: "summary", p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), count: histogram.count });
    writeFileSync(FILE, `${events.map((e) => JSON.stringify(e)).join("\n")}\n`);
  });
}
