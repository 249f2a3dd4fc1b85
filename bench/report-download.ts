// A large report through get-performance-report: `pnpm bench:report` (results in BENCHMARKS.md).
//
// A child process (bench/report-file.ts) writes a zipped CSV of REPORT_BYTES (1 GB) decompressed
// to a temporary file, streaming. Then this process runs the real server in-process with the
// project's emulators (the test harness, SQLite), behind a loopback front server that stands in for
// Microsoft (MICROSOFT_ADS_API_URL): it passes calls on to the Microsoft Advertising emulator and
// serves the big file as the report download. Baseline, measured in the same run after a warm-up
// report: the idle process's RSS and its event-loop delay (perf_hooks monitorEventLoopDelay, 10 ms
// resolution) over IDLE_SECONDS. Then the action asks for the report's last page (a cursor at
// row count − 1,000), so the server streams, inflates and parses the whole 1 GB; RSS is sampled
// every 50 ms and the event loop monitored the same way. The 1,000 rows returned are checked.
import { execFileSync } from "node:child_process";
import { createReadStream, mkdtempSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { startHarness } from "../packages/server/src/testing/harness.js";
import { connectUser } from "../packages/server/src/testing/proxyTesting.js";
import { reportRow } from "./report-file.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const REPORT_BYTES = Number(process.env.REPORT_BYTES ?? 1_000_000_000);
const IDLE_SECONDS = Number(process.env.IDLE_SECONDS ?? 3);
const PAGE = 1000;
const MB = 1024 * 1024;

const work = mkdtempSync(path.join(tmpdir(), "ads-connect-report-bench-"));
const zipFile = path.join(work, "report.zip");
try {
  let started = performance.now();
  const made = JSON.parse(
    execFileSync(process.execPath, ["--import", "tsx", path.join(ROOT, "bench/report-file.ts"), zipFile, String(REPORT_BYTES)], {
      cwd: ROOT,
      maxBuffer: 1 << 20,
    }).toString(),
  ) as { rows: number; csvBytes: number; zipBytes: number; last: string };
  console.log(
    `report file: ${made.rows.toLocaleString("en")} rows, ${(made.csvBytes / MB).toFixed(0)} MiB CSV, ${(made.zipBytes / MB).toFixed(1)} MiB ZIP, written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  let serveBig = false;
  let emulatorUrl = "";
  const front = http.createServer((req, res) => {
    const url = req.url ?? "";
    if (serveBig && url.startsWith("/ReportDownload/")) {
      res.writeHead(200, { "content-type": "application/x-zip-compressed", "content-length": String(statSync(zipFile).size) });
      return void createReadStream(zipFile).pipe(res);
    }
    const upstream = http.request(`${emulatorUrl}${url}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  const frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  const h = await startHarness({ env: { MICROSOFT_ADS_API_URL: frontUrl, LOG_LEVEL: "warn" } });
  emulatorUrl = h.ads.url;
  const id = await connectUser(h, "adele@contoso.example");
  h.ads.reportPollsBeforeReady(0);
  const report = async (input: Record<string, unknown>) => {
    const res = await h.api(
      "POST",
      "/action/trigger",
      { action_name: "get-performance-report", input: { start_date: "2026-01-01", end_date: "2026-01-31", aggregation: "Daily", ...input } },
      { "Connection-Id": id, "Provider-Config-Key": "microsoft-ads" },
    );
    if (res.status !== 200) throw new Error(`report: HTTP ${res.status} ${res.text.slice(0, 500)}`);
    return res.json as { rows: { time_period: string; campaign_id: string; campaign_name: string; spend: number }[]; next_cursor: string | null };
  };

  // Warm-up: one ordinary report through every layer, then the idle baseline.
  await report({});
  await sleep(1000);
  const idle = await measure(async () => {
    await sleep(IDLE_SECONDS * 1000);
  });

  serveBig = true;
  const first = await report({ page_size: PAGE });
  if (!first.next_cursor) throw new Error("the big report has no second page");
  const cursor = JSON.parse(Buffer.from(first.next_cursor, "base64url").toString()) as Record<string, unknown>;
  const lastPage = Buffer.from(JSON.stringify({ ...cursor, offset: made.rows - PAGE })).toString("base64url");
  await sleep(1000);
  started = performance.now();
  let out: Awaited<ReturnType<typeof report>> | undefined;
  const run = await measure(async () => {
    out = await report({ page_size: PAGE, cursor: lastPage });
  });
  const seconds = (performance.now() - started) / 1000;
  const last = made.last.split(",");
  const got = out!.rows.at(-1)!;
  if (out!.rows.length !== PAGE || out!.next_cursor !== null || got.time_period !== last[0] || got.campaign_id !== last[2])
    throw new Error(`wrong last page: ${out!.rows.length} rows, last ${JSON.stringify(got)}, expected ${made.last}`);
  if (reportRow(made.rows - 1) !== made.last) throw new Error("the generator is not deterministic");

  const row = (name: string, m: Measured) =>
    `| ${name} | ${(m.rssStart / MB).toFixed(0)} MB | ${(m.rssPeak / MB).toFixed(0)} MB | ${((m.rssPeak - idle.rssStart) / MB).toFixed(0)} MB | ${m.loopMaxMs.toFixed(1)} ms | ${m.loopP99Ms.toFixed(1)} ms |`;
  console.log(
    `\nNode ${process.version}, ${new Date().toISOString().slice(0, 10)}: ${made.rows.toLocaleString("en")} rows, ${(made.csvBytes / 1e9).toFixed(2)} GB CSV in a ${(made.zipBytes / MB).toFixed(0)} MiB ZIP; the last page (${PAGE} rows) in ${seconds.toFixed(1)} s (${(made.csvBytes / MB / seconds).toFixed(0)} MiB/s of CSV)\n`,
  );
  console.log("| | RSS at start | RSS peak | RSS growth over idle | event-loop delay max | p99 |");
  console.log("|---|---:|---:|---:|---:|---:|");
  console.log(row(`idle server (${IDLE_SECONDS} s, baseline)`, idle));
  console.log(row("whole report streamed (last page)", run));
  const growth = (run.rssPeak - idle.rssStart) / MB;
  console.log(
    `\nbudget: RSS growth ${growth.toFixed(0)} MB < 200 MB ${growth < 200 ? "✓" : "✗"}; max stall ${run.loopMaxMs.toFixed(1)} ms < 100 ms ${run.loopMaxMs < 100 ? "✓" : "✗"}`,
  );

  await h.close();
  front.closeAllConnections();
  front.close();
} finally {
  rmSync(work, { recursive: true, force: true });
}

interface Measured {
  rssStart: number;
  rssPeak: number;
  loopMaxMs: number;
  loopP99Ms: number;
}

/** RSS (sampled every 50 ms) and event-loop delay while `body` runs. */
async function measure(body: () => Promise<void>): Promise<Measured> {
  const rssStart = process.memoryUsage.rss();
  let rssPeak = rssStart;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 50);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  try {
    await body();
  } finally {
    loop.disable();
    clearInterval(sampler);
  }
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  // The histogram includes the 10 ms sampling interval itself.
  return { rssStart, rssPeak, loopMaxMs: loop.max / 1e6, loopP99Ms: loop.percentile(99) / 1e6 };
}
