// One read-path measurement: seed a database, start the server on it, and measure it against the
// plain node:http floor and the bare Express baseline (open-loop latency, then wrk throughput).
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { explainTail } from "../trace-report.js";
import { openLoop, type Paced, pathsFile, type Run, wrk } from "./load.js";
import { gcDuring, startBaseline, startServer } from "./processes.js";
import { seed } from "./seed.js";
import { RATE, SECONDS, SECRET, work } from "./settings.js";
import { latencyRow, throughputRows } from "./table.js";

// BENCH_TRACE=<dir>: the server traces its event-loop stalls, GCs and slow SQLite calls
// (bench/stall-trace.ts), the open-loop client lists its slow requests, and each latency row is
// followed by what the slow requests overlapped; the raw traces are kept in <dir>.
const TRACE_DIR = process.env.BENCH_TRACE;
if (TRACE_DIR) mkdirSync(TRACE_DIR, { recursive: true });
/** A request slower than this (ms) is "slow" in the trace. */
const TRACE_SLOW_MS = 5;
let traceRun = 0;
let serverRun = 0;

/**
 * Seeds `count` connections, starts the server on them and measures it, recording rows as they come.
 * Returns the token reads' open-loop latency and, with throughput, their wrk run (for the
 * OpenTelemetry comparison).
 */
export async function readPath(
  label: string,
  env: Record<string, string>,
  count: number,
  options: { throughput: boolean },
): Promise<{ paced: Paced; token?: Run }> {
  console.log(`${label}: seeding…`);
  const hot = await seed(env, count);
  const traceFile = TRACE_DIR ? path.join(TRACE_DIR, `server-${++traceRun}.jsonl`) : undefined;
  // With BENCH_TRACE the server's log is kept beside its trace.
  const logFile = traceFile ? traceFile.replace(/\.jsonl$/, ".log") : path.join(work, `server-${++serverRun}.log`);
  const server = await startServer(env, logFile, traceFile);
  let paced: Paced | undefined;
  let token: Run | undefined;
  let measuredFrom = 0;
  try {
    const tokenPaths = pathsFile(
      "token.txt",
      hot.map((id) => `/connections/${id}`),
    );
    const statusPaths = pathsFile(
      "status.txt",
      hot.map((id) => `/connections?connectionId=${id}`),
    );
    const sample = await fetch(`${server.url}/connections/${hot[0]}`, { headers: { authorization: `Bearer ${SECRET}` } });
    const bodyFile = path.join(work, "body.json");
    writeFileSync(bodyFile, await sample.text());
    // The floor: the same client at the same rate against a plain node:http handler (what the
    // client, the loopback, Node and the machine add by themselves, without any framework).
    const raw = await startBaseline(bodyFile, "--raw");
    try {
      await openLoop(raw.url, tokenPaths);
      const floor = await openLoop(raw.url, tokenPaths);
      latencyRow(label, `plain node:http handler at ${RATE} req/s for ${SECONDS} s (open loop, latency floor)`, floor);
    } finally {
      await raw.stop();
    }
    const bare = await startBaseline(bodyFile);
    try {
      // Warm up (JIT, the credential cache, the database's pages) before measuring.
      await openLoop(server.url, tokenPaths);
      // The latency baseline: the same client at the same rate against the bare handler, just
      // before the server (what the client, the loopback, Express and the machine add by themselves).
      await openLoop(bare.url, tokenPaths);
      const baseline = await openLoop(bare.url, tokenPaths);
      latencyRow(label, `bare Express handler at ${RATE} req/s for ${SECONDS} s (open loop, latency baseline)`, baseline);
      // The server at a steady 1,000 req/s (before the throughput runs, whose bursts leave the heap
      // a full GC to do later: measured again after them below).
      measuredFrom = Date.now();
      let logFrom = statSync(logFile).size;
      paced = await openLoop(server.url, tokenPaths, traceFile ? TRACE_SLOW_MS : undefined);
      latencyRow(label, `token reads at ${RATE} req/s for ${SECONDS} s (open loop)`, paced, gcDuring(logFile, logFrom));
      if (options.throughput) {
        // The bare handler is measured before and after the server (the machine is shared: its load
        // drifts); the ratios are to the mean of the two.
        const bareBefore = await wrk(bare.url, tokenPaths, bare.child.pid);
        token = await wrk(server.url, tokenPaths, server.child.pid);
        const status = await wrk(server.url, statusPaths, server.child.pid);
        const bareAfter = await wrk(bare.url, tokenPaths, bare.child.pid);
        throughputRows(label, bareBefore, bareAfter, token, status);
        logFrom = statSync(logFile).size;
        const after = await openLoop(server.url, tokenPaths);
        latencyRow(label, `token reads at ${RATE} req/s for ${SECONDS} s right after the throughput runs (open loop)`, after, gcDuring(logFile, logFrom));
      }
    } finally {
      await bare.stop();
    }
  } finally {
    await server.stop();
  }
  if (traceFile) explainTail(traceFile, paced!, measuredFrom, SECONDS);
  return { paced: paced!, token };
}
