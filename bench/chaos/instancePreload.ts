/**
 * Loaded with `--import` into each server process the chaos driver starts (test-only; the server
 * itself knows nothing of it):
 * - CHAOS_CLOCK_OFFSET_MS: this process's wall clock (`Date.now()`, `new Date()`) runs that far
 *   ahead, as a host whose clock drifted would (faketime-like; the database and the other
 *   instances keep the real time).
 * - CHAOS_PROBE_FILE: every CHAOS_PROBE_INTERVAL_MS (5 s) a JSON line with the real time, RSS, heap
 *   used and the event loop's p99 delay over the interval.
 */
import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

const RealDate = Date;
const realNow = () => RealDate.now();
const offset = Number(process.env.CHAOS_CLOCK_OFFSET_MS ?? 0);
if (offset !== 0) {
  class AheadDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...(args as [number]));
    }
    static override now(): number {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = AheadDate as DateConstructor;
}

const probeFile = process.env.CHAOS_PROBE_FILE;
if (probeFile) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  setInterval(
    () => {
      const memory = process.memoryUsage();
      const line = { t: realNow(), rss: memory.rss, heapUsed: memory.heapUsed, eldP99Ms: delay.percentile(99) / 1e6 };
      delay.reset();
      appendFileSync(probeFile, `${JSON.stringify(line)}\n`);
    },
    Number(process.env.CHAOS_PROBE_INTERVAL_MS ?? 5000),
  ).unref();
}
