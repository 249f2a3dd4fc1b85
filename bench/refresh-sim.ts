// Refresh cost under a fake clock: `pnpm bench:refresh` (results in BENCHMARKS.md).
// SIM_CONNECTIONS (100,000), SIM_HOURS (168 = a week), SIM_READ_FRACTION (0.01 of all connections
// read each hour), SIM_PROGRESS=<file> appends each simulated hour as a JSON line (with the wall
// and CPU seconds it took and the process's heap, to see whether the cost per hour stays flat; CPU
// time does not depend on what else the machine runs; hour 0 includes starting and seeding).
// The real refresh-ahead job, token refresher, token budget, token reads and SQLite, against the
// real Entra emulator over HTTP; only the clock is simulated (see runRefreshSimulation).
import { appendFileSync } from "node:fs";
import { runRefreshSimulation } from "../packages/server/src/testing/refreshSimulation.js";

const connections = Number(process.env.SIM_CONNECTIONS ?? 100_000);
const hours = Number(process.env.SIM_HOURS ?? 168);
const readFractionPerHour = Number(process.env.SIM_READ_FRACTION ?? 0.01);
const progress = process.env.SIM_PROGRESS;

let hourStarted = Date.now();
let cpuBefore = process.cpuUsage();
const result = await runRefreshSimulation({
  connections,
  hours,
  readFractionPerHour,
  onHour: (h) => {
    const wallSeconds = (Date.now() - hourStarted) / 1000;
    hourStarted = Date.now();
    const cpu = process.cpuUsage(cpuBefore);
    cpuBefore = process.cpuUsage();
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const heapMB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
    if (progress) appendFileSync(progress, `${JSON.stringify({ ...h, wallSeconds, cpuSeconds, heapMB })}\n`);
    if (h.hour % 12 === 11) process.stderr.write(`simulated hour ${h.hour + 1}/${hours}\n`);
  },
});

const keepAlivePerHour = connections / (result.keepAliveSeconds / 3600) / 0.9;
const steady = result.perHour.slice(Math.min(3, result.perHour.length - 1));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const requests = steady.map((h) => h.tokenRequests);
const expected = steady.map((h) => h.recentlyRead + (h.readsRefreshedOnDemand - h.readsMissedAhead) + keepAlivePerHour);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
console.log(`
| what | figure |
|---|---:|
| connections, simulated hours, reads per hour | ${fmt(connections)}, ${hours}, ${fmt(connections * readFractionPerHour)} |
| settings | keep-alive ${result.keepAliveSeconds / 86_400} days, active window ${result.activeWindowSeconds / 3600} h, cap ${result.tokenRequestsPerMinuteCap}/min |
| token requests per hour (hours 4–${hours}): mean, min, max | ${fmt(mean(requests))}, ${fmt(Math.min(...requests))}, ${fmt(Math.max(...requests))} |
| expected per hour: read recently (${fmt(mean(steady.map((h) => h.recentlyRead)))}) + reads of idle connections (${fmt(mean(steady.map((h) => h.readsRefreshedOnDemand)))}) + keep-alive (${fmt(keepAlivePerHour)}) | ${fmt(mean(expected))} |
| most token requests in one minute (cap ${result.tokenRequestsPerMinuteCap}) | ${result.maxPerMinute} |
| reads that waited for a refresh that could have happened ahead | ${result.perHour.reduce((a, h) => a + h.readsMissedAhead, 0)} |
| connections past their keep-alive period (worst lateness) | ${result.worstKeepAliveOverdueMs === 0 ? "none" : `${Math.round(result.worstKeepAliveOverdueMs / 60_000)} min`} |
| failed reads | ${result.readErrors} |
| today's job for the same connections (every access token kept fresh) | about ${fmt(connections)} per hour |
| wall time: seeding, total | ${Math.round(result.seedSeconds)} s, ${Math.round(result.wallSeconds)} s |
`);
