// Lines up an open-loop run's slow requests with the server's trace (bench/stall-trace.ts): which
// event-loop stalls, GCs and slow SQLite calls each slow request overlapped. Used by read-path.ts
// with BENCH_TRACE; prints a summary, the raw files stay in the trace folder.
import { readFileSync, writeFileSync } from "node:fs";

interface TraceEvent {
  type: "stall" | "gc" | "sql" | "summary";
  /** Epoch ms the event started. */
  at: number;
  ms: number;
  kind?: string;
  sql?: string;
  p50?: number;
  p99?: number;
  max?: number;
}

const overlaps = (e: TraceEvent, from: number, to: number) => e.at < to && e.at + e.ms > from;
const fixed = (n: number) => n.toFixed(1);

/** What an event is called in the report: the SQL's first words, the GC's kind, or "stall". */
function name(e: TraceEvent): string {
  if (e.type === "sql") return `sql ${e.sql}`;
  if (e.type === "gc") return `gc ${e.kind}`;
  return e.type;
}

function totals(events: TraceEvent[]): string {
  const by = new Map<string, { count: number; total: number; max: number }>();
  for (const e of events) {
    const t = by.get(name(e)) ?? { count: 0, total: 0, max: 0 };
    t.count++;
    t.total += e.ms;
    t.max = Math.max(t.max, e.ms);
    by.set(name(e), t);
  }
  return [...by]
    .sort((a, b) => b[1].total - a[1].total)
    .map(([n, t]) => `    ${n}: ${t.count}×, ${fixed(t.total)} ms in all, longest ${fixed(t.max)} ms`)
    .join("\n");
}

/**
 * Prints what the slow requests of a run overlapped. A slow request is put down to the first of:
 * a slow SQLite call, a major GC, any other GC, a stall with neither (another process had the CPU,
 * or JavaScript work), or nothing traced (the stall was elsewhere: the client, the kernel).
 */
export function explainTail(traceFile: string, run: { slow?: [number, number][] }, from: number, seconds: number): void {
  const to = from + seconds * 1000 + 2000;
  const all = readFileSync(traceFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TraceEvent);
  const summary = all.find((e) => e.type === "summary");
  const events = all.filter((e) => e.type !== "summary" && overlaps(e, from, to));
  const slow = run.slow ?? [];
  writeFileSync(traceFile.replace(/\.jsonl$/, "-slow.json"), JSON.stringify(slow));
  const causes = new Map<string, number>();
  for (const [due, latency] of slow) {
    const hit = events.filter((e) => overlaps(e, due, due + latency));
    const cause =
      hit.find((e) => e.type === "sql") ??
      hit.find((e) => e.type === "gc" && e.kind === "major") ??
      hit.find((e) => e.type === "gc") ??
      hit.find((e) => e.type === "stall");
    const key = cause ? (cause.type === "stall" ? "a stall with no GC or SQL in it" : name(cause)) : "nothing traced in the server";
    causes.set(key, (causes.get(key) ?? 0) + 1);
  }
  console.log(
    `  trace (${traceFile}): ${slow.length} requests slower than the threshold; event-loop delay over the server's life p50 ${summary?.p50} ms, p99 ${summary?.p99} ms, max ${summary?.max} ms`,
  );
  console.log(
    `  the slow requests overlapped:\n${[...causes]
      .sort((a, b) => b[1] - a[1])
      .map(([c, n]) => `    ${c}: ${n}`)
      .join("\n")}`,
  );
  console.log(`  events in the measured run:\n${totals(events)}`);
  const longest = events
    .filter((e) => e.type === "stall")
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 8);
  console.log("  longest stalls and what ran in them:");
  for (const s of longest) {
    const inside = events.filter((e) => e.type !== "stall" && overlaps(e, s.at, s.at + s.ms + 1));
    console.log(
      `    ${new Date(s.at).toISOString().slice(11, 23)} ${fixed(s.ms)} ms: ${inside.map((e) => `${name(e)} ${fixed(e.ms)} ms`).join(", ") || "no GC or SQL"}`,
    );
  }
}
