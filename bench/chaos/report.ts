import { existsSync, readFileSync } from "node:fs";
import type { Tally } from "./api.js";
import type { Instance } from "./instances.js";
import type { OracleFigures } from "./oracle.js";

const WINDOW_MS = Number(process.env.SOAK_WINDOW_MINUTES ?? 5) * 60_000;
const MB = 2 ** 20;

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface ProbeLine {
  t: number;
  rss: number;
  heapUsed: number;
  eldP99Ms: number;
}

export interface SoakWindow {
  window: number;
  tokenReads: number;
  tokenReadP99Ms: number;
  databaseMB: number | null;
  instances: { name: string; rssMB: number; heapMB: number; eventLoopP99Ms: number }[];
}

/** Per 5-minute window: each instance's RSS and heap (last sample), event-loop delay p99, token-read p99, database size; and the pass rule. */
export function soakFigures(instances: Instance[], tally: Tally, dbSizes: [number, number][], start: number) {
  const probes = new Map(
    instances.map((i) => [
      i.name,
      existsSync(i.probeFile)
        ? readFileSync(i.probeFile, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l) as ProbeLine)
        : [],
    ]),
  );
  const last = Math.max(...tally.tokenReads.map(([t]) => t), start);
  const windows: SoakWindow[] = [];
  for (let w = 0; start + w * WINDOW_MS < last; w++) {
    const from = start + w * WINDOW_MS;
    const to = from + WINDOW_MS;
    const reads = tally.tokenReads.filter(([t]) => t >= from && t < to).map(([, ms]) => ms);
    const size = dbSizes.filter(([t]) => t < to).at(-1);
    windows.push({
      window: w + 1,
      tokenReads: reads.length,
      tokenReadP99Ms: Math.round(percentile(reads, 99) * 10) / 10,
      databaseMB: size ? Math.round((size[1] / MB) * 10) / 10 : null,
      instances: instances.map((i) => {
        const lines = probes.get(i.name)!.filter((l) => l.t >= from && l.t < to);
        const end = lines.at(-1);
        return {
          name: i.name,
          rssMB: end ? Math.round(end.rss / MB) : 0,
          heapMB: end ? Math.round(end.heapUsed / MB) : 0,
          eventLoopP99Ms:
            Math.round(
              percentile(
                lines.map((l) => l.eldP99Ms),
                99,
              ) * 10,
            ) / 10,
        };
      }),
    });
  }
  // A last window shorter than half a window is noise (the tail): it is shown but not judged.
  const judged = windows.filter((w) => w.tokenReads > 0);
  const first = judged[0];
  const failures: string[] = [];
  if (first) {
    const lastWindow = judged.at(-1)!;
    for (const inst of first.instances) {
      const end = lastWindow.instances.find((i) => i.name === inst.name)!;
      if (inst.rssMB > 0 && end.rssMB > inst.rssMB * 1.1) failures.push(`instance ${inst.name}: RSS ${inst.rssMB} → ${end.rssMB} MB (over 10 %)`);
    }
    for (const w of judged.slice(1))
      if (w.tokenReadP99Ms > first.tokenReadP99Ms * 1.5)
        failures.push(`window ${w.window}: token-read p99 ${w.tokenReadP99Ms} ms over 1.5× the first (${first.tokenReadP99Ms} ms)`);
  }
  return { windows, pass: first !== undefined && failures.length === 0, failures };
}

export function renderReport(input: {
  mode: string;
  seed: number;
  trafficMs: number;
  figures: OracleFigures;
  tally: Tally;
  injected: Record<string, number>;
  refreshGrants: number;
  codeGrants: number;
  adsCalls: number;
  instances: { name: string; starts: number; errorLines: number }[];
  dbSizes: [number, number][];
  soak: ReturnType<typeof soakFigures> | null;
}) {
  const { figures: f, tally } = input;
  const ops = [...tally.perOp.entries()].sort(([a], [b]) => a.localeCompare(b));
  const rows = [
    ["mode, seed, traffic", `${input.mode}, ${input.seed}, ${Math.round(input.trafficMs / 1000)} s`],
    [
      "flows started / completed (result page) / reached Entra / aborted by a fault",
      `${f.flowsStarted} / ${f.flowsCompleted} / ${f.flowsReachedEntra} / ${f.flowsAborted}`,
    ],
    ["connections at the end", String(f.connections)],
    [
      "token reads answered 200 (p50 / p99 ms)",
      `${tally.op("token_read").ok} (${pct(tally.op("token_read").latencies, 50)} / ${pct(tally.op("token_read").latencies, 99)})`,
    ],
    [
      "requests: answered / cut by a kill / balancer found no instance",
      `${sum(ops, (o) => Object.values(o.statuses).reduce((a, b) => a + b, 0))} / ${sum(ops, (o) => o.cut)} / ${sum(ops, (o) => o.unreachable)}`,
    ],
    ["refresh grants at Entra / code grants / Ads calls", `${input.refreshGrants} / ${input.codeGrants} / ${input.adsCalls}`],
    ["refresh tokens whose answer was lost (cut, too slow)", String(f.refreshGrantsLost)],
    [
      "extra refreshes (a refresh token redeemed twice): explained / unexplained",
      `${f.extraRefreshes.explained} / ${f.extraRefreshes.unexplained} ${JSON.stringify(f.extraRefreshes.reasons)}`,
    ],
    ["connections keeping an older token after a lost answer", String(f.lostAnswersKeptOlderToken)],
    ["webhook events / deliveries / duplicates", `${f.webhookEvents} / ${f.webhookDeliveries} / ${f.webhookDuplicates}`],
    [
      "faults injected",
      Object.entries(input.injected)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ") || "none",
    ],
    [
      "instance starts (a, b, c) / error log lines",
      `${input.instances.map((i) => i.starts).join(", ")} / ${input.instances.map((i) => i.errorLines).join(", ")}`,
    ],
    ["database size start → end", sizes(input.dbSizes)],
    ["oracle violations", String(f.violations.length)],
  ];
  const statusRows = ops.map(
    ([name, o]) =>
      `| ${name} | ${Object.entries(o.statuses)
        .map(([s, n]) => `${s}×${n}`)
        .join(" ")} | ${o.cut} | ${o.unreachable} |`,
  );
  let markdown = `\n| figure | value |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join("\n")}\n\n| operation | answers | cut | no instance |\n|---|---|---:|---:|\n${statusRows.join("\n")}\n`;
  if (input.soak) {
    markdown += `\n| window | token reads | token-read p99 ms | database MB | ${input.instances.map((i) => `${i.name}: RSS / heap MB, loop p99 ms`).join(" | ")} |\n|---|---:|---:|---:|${input.instances.map(() => "---|").join("")}\n`;
    markdown += input.soak.windows
      .map(
        (w) =>
          `| ${w.window} | ${w.tokenReads} | ${w.tokenReadP99Ms} | ${w.databaseMB ?? "–"} | ${w.instances.map((i) => `${i.rssMB} / ${i.heapMB}, ${i.eventLoopP99Ms}`).join(" | ")} |`,
      )
      .join("\n");
    markdown += `\n\nsoak pass rule: ${input.soak.pass ? "PASS" : `FAIL (${input.soak.failures.join("; ")})`}\n`;
  }
  if (f.violations.length > 0) markdown += `\nViolations:\n${f.violations.map((v) => `- ${v}`).join("\n")}\n`;
  return { markdown, json: { ...input, tally: { perOp: Object.fromEntries(ops.map(([k, o]) => [k, { ...o, latencies: undefined }])) } } };
}

const pct = (values: number[], p: number) => Math.round(percentile(values, p) * 10) / 10;
const sum = <T>(ops: [string, T][], f: (o: T) => number) => ops.reduce((a, [, o]) => a + f(o), 0);
const sizes = (s: [number, number][]) => (s.length === 0 ? "–" : `${(s[0]![1] / MB).toFixed(1)} → ${(s.at(-1)![1] / MB).toFixed(1)} MB`);
