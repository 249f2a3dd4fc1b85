// The result rows: printed as they come and collected for the table printed at the end (the
// rows of BENCHMARKS.md's read-path tables).
import { loadavg } from "node:os";
import type { Paced, Run } from "./load.js";

export const results: string[] = [];
export const record = (line: string) => {
  console.log(line);
  results.push(line);
};

/** A latency row: quantiles from when each request was sent (see bench/open-loop.ts), and from when it was due. */
export function latencyRow(label: string, what: string, run: Paced, gc?: string) {
  const due = run.fromDue;
  record(
    `| ${label} | ${what} | p50 ${run.p50} ms | p99 ${run.p99} ms | max ${run.max} ms, ${run.sent} sent, ${run.errors} errors; from due: p50 ${due.p50} ms, p99 ${due.p99} ms;${gc ? ` ${gc};` : ""} load average ${loadavg()[0]!.toFixed(2)} |`,
  );
}

export function throughputRows(label: string, bareBefore: Run, bareAfter: Run, token: Run, status: Run) {
  const bareRun = {
    rps: (bareBefore.rps + bareAfter.rps) / 2,
    non2xx: bareBefore.non2xx + bareAfter.non2xx,
    errors: `${bareBefore.errors} ${bareAfter.errors}`.trim(),
    cpuUsPerRequest: (bareBefore.cpuUsPerRequest + bareAfter.cpuUsPerRequest) / 2,
  };
  // The process's CPU time per request: the bare handler's over the server's is the ratio an idle machine would show (when the server is CPU-bound).
  const cpu = (run: { cpuUsPerRequest: number }) =>
    `${run.cpuUsPerRequest.toFixed(0)} µs CPU/request (${(bareRun.cpuUsPerRequest / run.cpuUsPerRequest).toFixed(2)}×)`;
  console.log(
    `  bare handler before ${bareBefore.rps.toFixed(0)} req/s, after ${bareAfter.rps.toFixed(0)} req/s; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  record(
    `| ${label} | bare Express handler (mean of before and after) | ${bareRun.rps.toFixed(0)} req/s | 1.00× | ${bareRun.non2xx} non-2xx ${bareRun.errors}; ${cpu(bareRun)} |`,
  );
  record(
    `| ${label} | token read GET /connections/:id | ${token.rps.toFixed(0)} req/s | ${(token.rps / bareRun.rps).toFixed(2)}× | ${token.non2xx} non-2xx ${token.errors}; ${cpu(token)} |`,
  );
  record(
    `| ${label} | status read GET /connections?connectionId= | ${status.rps.toFixed(0)} req/s | ${(status.rps / bareRun.rps).toFixed(2)}× | ${status.non2xx} non-2xx ${status.errors}; ${cpu(status)} |`,
  );
}
