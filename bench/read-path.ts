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
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { loadConfig } from "../packages/server/src/config.js";
import type { NewConnectionRow } from "../packages/server/src/store/connectionStore.js";
import { createDatabase } from "../packages/server/src/store/createDatabase.js";
import { startPostgresCluster } from "../packages/server/src/testing/postgresCluster.js";
import { encryptCredentials } from "../packages/server/src/tokens/storedCredentials.js";
import { TokenCipher } from "../packages/server/src/tokens/tokenCipher.js";
import { explainTail } from "./trace-report.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MAIN = path.join(ROOT, "packages/server/src/main.ts");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10_000);
const BIG = Number(process.env.BENCH_BIG_CONNECTIONS ?? 1_000_000);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const HOT = 1000;
// BENCH_PARTS: which parts run (default all; `otel` is the read path with OpenTelemetry's export
// off and on, each against its own bare-handler baseline); BENCH_WRK=off skips the throughput runs (latency only).
const PARTS = new Set((process.env.BENCH_PARTS ?? "sqlite,postgres,big,otel").split(","));
const THROUGHPUT = process.env.BENCH_WRK !== "off";
const SECRET = "bench-secret-key-0123456789abcdefghijklmnop";
const work = mkdtempSync(path.join(tmpdir(), "ads-connect-bench-"));

function ensureWrk(): string {
  if (existsSync("/usr/bin/wrk")) return "/usr/bin/wrk";
  console.log("installing wrk (Debian package)…");
  execFileSync("apt-get", ["install", "-y", "-q", "wrk"], { stdio: "inherit" });
  return "/usr/bin/wrk";
}

function serverEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PORT: "0",
    ADS_CONNECT_SECRET_KEY: SECRET,
    ADS_CONNECT_WEBHOOK_SIGNING_KEY: "bench-webhook-signing-key-0123456789abcdef",
    ALLOWED_ORIGINS: "http://app.localhost:5173",
    MICROSOFT_CLIENT_ID: "00000000-0000-0000-0000-000000000001",
    MICROSOFT_CLIENT_SECRET: "bench-client-secret",
    // Nothing is refreshed during the bench (tokens are valid for a day); Entra is never called.
    ENTRA_EMULATOR_URL: "http://127.0.0.1:9",
    REFRESH_AHEAD: "off",
    // The seeded connections have no Microsoft Advertising accounts to sync.
    ACCOUNT_SYNC: "off",
    // Default settings: rate limits on (shared through the database on PostgreSQL), with an API
    // allowance above what the bench sends so every read is answered; BENCH_RATE_LIMIT=off turns them off.
    ...(process.env.BENCH_RATE_LIMIT === "off" ? { RATE_LIMIT: "off" } : { RATE_LIMIT_API: "10000000" }),
    LOG_LEVEL: "info",
    ...extra,
  };
}

/** Seeds `count` connections in batches; the HOT ones (spread evenly) carry real ciphertext. Returns their ids. */
async function seed(env: Record<string, string>, count: number): Promise<string[]> {
  const config = loadConfig({ ...env, PORT: "3003" });
  const db = await createDatabase({ url: config.databaseUrl, file: config.databaseFile, poolSize: 2 });
  const cipher = new TokenCipher(config.encryptionKeys);
  const now = Date.now();
  const every = Math.max(1, Math.floor(count / HOT));
  const hot: string[] = [];
  const started = performance.now();
  const BATCH = 1000;
  for (let from = 0; from < count; from += BATCH) {
    const rows: NewConnectionRow[] = [];
    for (let i = from; i < Math.min(count, from + BATCH); i++) {
      const id = randomUUID();
      const isHot = i % every === 0 && hot.length < HOT;
      if (isHot) hot.push(id);
      const credentials = {
        access_token: `at-${"x".repeat(1200)}-${i}`,
        refresh_token: `rt-${i}`,
        id_token: null,
        token_type: "Bearer",
        scope: "https://ads.microsoft.com/msads.manage offline_access",
        expires_at: now + 86_400_000,
      };
      rows.push({
        connection_id: id,
        provider_config_key: "microsoft-ads",
        end_user_id: `end-user-${i}`,
        end_user: JSON.stringify({ id: `end-user-${i}`, email: `user${i}@product.example`, display_name: `User ${i}`, organization: null }),
        tenant_id: "00000000-0000-0000-0000-0000000000aa",
        object_id: `object-${i}`,
        username: `user${i}@contoso.example`,
        display_name: `User ${i}`,
        account_type: "work",
        status: "connected",
        errors: "[]",
        credentials_enc: isHot ? await encryptCredentials(cipher, id, credentials) : "{}",
        access_token_expires_at: credentials.expires_at,
        scope: credentials.scope,
        connection_config: JSON.stringify({ tenant: "common", scope: credentials.scope, authorization_params: {} }),
        metadata: null,
        tags: "{}",
        created_at: now,
        updated_at: now,
        last_fetched_at: null,
        last_refreshed_at: now,
      });
    }
    await db.insertInto("connections").values(rows).execute();
  }
  await db.destroy();
  console.log(`  seeded ${count.toLocaleString("en")} connections in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return hot;
}

interface Child {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/**
 * A child process that prints its address; resolves once it listens. With `logFile`, its standard
 * output goes straight to that file (read for the address until it appears): this process relays
 * nothing while the server is measured (relaying its ~1,000 log lines a second took CPU from the
 * server and the client on 2 cores).
 */
async function startChild(args: string[], env: Record<string, string>, ready: (line: string) => string | undefined, logFile?: string): Promise<Child> {
  const fd = logFile ? openSync(logFile, "a") : undefined;
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", fd ?? "pipe", "inherit"],
  });
  if (fd !== undefined) closeSync(fd);
  let exitedEarly = false;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exitedEarly = true;
      resolve();
    }),
  );
  const find = (text: string) => {
    for (const line of text.split("\n")) {
      const url = ready(line);
      if (url !== undefined) return url;
    }
    return undefined;
  };
  let url: string | undefined;
  if (logFile) {
    // Waits for the line to appear in the file (polled; the server starts in about a second).
    const deadline = Date.now() + 60_000;
    for (;;) {
      url = find(readFileSync(logFile, "utf8"));
      if (url !== undefined) break;
      if (exitedEarly) throw new Error(`${args.join(" ")} exited early (its output: ${logFile})`);
      if (Date.now() > deadline) {
        child.kill("SIGTERM");
        throw new Error(`${args.join(" ")} printed no address within 60 s (its output: ${logFile})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } else {
    url = await new Promise<string>((resolve, reject) => {
      let buffered = "";
      void exited.then(() => reject(new Error(`${args.join(" ")} exited early`)));
      child.stdout!.on("data", (chunk: Buffer) => {
        buffered += chunk.toString("utf8");
        const found = find(buffered);
        if (found !== undefined) resolve(found);
      });
    });
  }
  return {
    child,
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

// BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops (for profiling, not for numbers).
const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
// BENCH_SERVER_FLAGS: extra Node/V8 flags for the server process only (GC experiments such as
// `--max-semi-space-size=64` or `--single-threaded-gc`; some are refused in NODE_OPTIONS).
profile.push(...(process.env.BENCH_SERVER_FLAGS ?? "").split(" ").filter(Boolean));
// BENCH_TRACE=<dir>: the server traces its event-loop stalls, GCs and slow SQLite calls
// (bench/stall-trace.ts), the open-loop client lists its slow requests, and each latency row is
// followed by what the slow requests overlapped; the raw traces are kept in <dir>.
const TRACE_DIR = process.env.BENCH_TRACE;
if (TRACE_DIR) mkdirSync(TRACE_DIR, { recursive: true });
/** A request slower than this (ms) is "slow" in the trace. */
const TRACE_SLOW_MS = 5;
let traceRun = 0;
let serverRun = 0;
/** The server, its log (with V8's line for each GC, `--trace-gc-nvp`) to `logFile`. */
const startServer = (env: Record<string, string>, logFile: string, traceFile?: string) =>
  startChild(
    ["--trace-gc-nvp", ...profile, ...(traceFile ? ["--import", path.join(ROOT, "bench/stall-trace.ts")] : []), MAIN],
    traceFile ? { ...env, STALL_TRACE_FILE: traceFile } : env,
    (line) => (line.includes('"ads-connect listening"') ? (JSON.parse(line) as { publicUrl: string }).publicUrl : undefined),
    logFile,
  );

/**
 * The server's garbage collections in its log from byte `from` on (the measured run), from V8's
 * `--trace-gc-nvp` lines: scavenges (young generation) with their pauses and the bytes each
 * promoted to the old generation (objects that outlived a scavenge: the more, the longer each
 * scavenge), and full GCs.
 */
function gcDuring(logFile: string, from: number): string {
  const text = readFileSync(logFile).subarray(from).toString("utf8");
  const field = (line: string, name: string) => Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(line)?.[1] ?? NaN);
  const scavenges = text.split("\n").filter((line) => line.includes(" gc=s "));
  const full = text.split("\n").filter((line) => / gc=m/.test(line)).length;
  if (scavenges.length === 0) return `GC: no scavenges, ${full} full`;
  const pauses = scavenges.map((line) => field(line, "pause"));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const promotedKb = mean(scavenges.map((line) => field(line, "promoted"))) / 1024;
  return `GC: ${scavenges.length} scavenges, pause mean ${mean(pauses).toFixed(2)} ms, max ${Math.max(...pauses).toFixed(1)} ms, ${promotedKb.toFixed(0)} KB promoted each; ${full} full`;
}

function pathsFile(name: string, paths: string[]): string {
  const file = path.join(work, name);
  writeFileSync(file, `${paths.join("\n")}\n`);
  return file;
}

const LUA = `
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local i = math.random(#paths)
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
`;

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux; NaN elsewhere). The CPU
 * time per request is steadier than throughput when other work shares the machine.
 */
function cpuSeconds(pid: number | undefined): number {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in ticks of 1/100 s.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * A wrk run against `base`. Not a synchronous child: this process must keep reading the server's
 * standard output meanwhile (its log lines), or the pipe fills and the server's logger piles the
 * lines up in memory and writes them out later, during the next measurement.
 */
async function wrk(base: string, file: string, pid?: number): Promise<{ rps: number; non2xx: number; errors: string; cpuUsPerRequest: number }> {
  const cpuBefore = cpuSeconds(pid);
  const script = path.join(work, "paths.lua");
  writeFileSync(script, LUA);
  const { stdout: out } = await promisify(execFile)(
    ensureWrk(),
    ["-t2", "-c16", `-d${SECONDS}s`, "-s", script, "-H", `Authorization: Bearer ${SECRET}`, base],
    {
      env: { ...process.env, BENCH_PATHS: file },
      encoding: "utf8",
    },
  );
  const cpu = cpuSeconds(pid) - cpuBefore;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const errors = /Socket errors:.*/.exec(out)?.[0] ?? "";
  return { rps, non2xx, errors, cpuUsPerRequest: (cpu * 1e6) / requests };
}

interface Paced {
  sent: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  /** The same quantiles timed from when each request was due (the client's own timer lateness included). */
  fromDue: { p50: number; p99: number; max: number };
  /** With a slow threshold: [sent (epoch ms; when due if it waited for a socket), latency (ms)] of each slower request. */
  slow?: [number, number][];
}

function openLoop(base: string, file: string, slowMs?: number): Promise<Paced> {
  return new Promise((resolve, reject) => {
    const args = [path.join(ROOT, "bench/open-loop.ts"), base, file, String(RATE), String(SECONDS), SECRET, ...(slowMs === undefined ? [] : [String(slowMs)])];
    // V8's memory reducer would run full GCs in the client when its allocation rate dips (pauses
    // of up to 12 ms measured, counted against the server); the client allocates next to nothing.
    const child = spawn(process.execPath, ["--no-memory-reducer", "--import", "tsx", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim()) as never) : reject(new Error(`open-loop exited ${code}`))));
  });
}

const results: string[] = [];
const record = (line: string) => {
  console.log(line);
  results.push(line);
};

/** The latest throughput run of token reads (readPath's), for the OpenTelemetry comparison. */
let lastTokenRun: Run | undefined;

async function readPath(label: string, env: Record<string, string>, count: number, options: { throughput: boolean }) {
  console.log(`${label}: seeding…`);
  const hot = await seed(env, count);
  const traceFile = TRACE_DIR ? path.join(TRACE_DIR, `server-${++traceRun}.jsonl`) : undefined;
  // With BENCH_TRACE the server's log is kept beside its trace.
  const logFile = traceFile ? traceFile.replace(/\.jsonl$/, ".log") : path.join(work, `server-${++serverRun}.log`);
  const server = await startServer(env, logFile, traceFile);
  let paced: Paced | undefined;
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
    const startBaseline = (...flags: string[]) =>
      startChild([path.join(ROOT, "bench/bare-server.ts"), bodyFile, ...flags], {}, (line) =>
        line.startsWith("listening ") ? `http://127.0.0.1:${line.slice(10).trim()}` : undefined,
      );
    // The floor: the same client at the same rate against a plain node:http handler (what the
    // client, the loopback, Node and the machine add by themselves, without any framework).
    const raw = await startBaseline("--raw");
    try {
      await openLoop(raw.url, tokenPaths);
      const floor = await openLoop(raw.url, tokenPaths);
      latencyRow(label, `plain node:http handler at ${RATE} req/s for ${SECONDS} s (open loop, latency floor)`, floor);
    } finally {
      await raw.stop();
    }
    const bare = await startBaseline();
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
        const token = await wrk(server.url, tokenPaths, server.child.pid);
        lastTokenRun = token;
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
  return paced!;
}

/**
 * The token read path with OpenTelemetry off (no OTEL_* settings: no SDK loaded) and on (traces and
 * metrics exported over OTLP/HTTP to a local collector that takes everything, metrics every 5 s),
 * each on a fresh SQLite database of CONNECTIONS; the rows compare each to the bare handler, and
 * the last row the two servers' open-loop latency.
 */
async function openTelemetryOffAndOn() {
  const collector = createServer((req, res) => req.resume().on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}")));
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  try {
    const label = (state: string) => `SQLite, ${CONNECTIONS.toLocaleString("en")} connections, OpenTelemetry ${state}`;
    const off = await readPath(label("off"), serverEnv({ DATA_DIR: path.join(work, "otel-off") }), CONNECTIONS, { throughput: THROUGHPUT });
    const offRun = lastTokenRun;
    const on = await readPath(
      label("on (OTLP traces and metrics)"),
      serverEnv({ DATA_DIR: path.join(work, "otel-on"), OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_METRIC_EXPORT_INTERVAL: "5000" }),
      CONNECTIONS,
      { throughput: THROUGHPUT },
    );
    const onRun = lastTokenRun;
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

/** A latency row: quantiles from when each request was sent (see bench/open-loop.ts), and from when it was due. */
function latencyRow(label: string, what: string, run: Paced, gc?: string) {
  const due = run.fromDue;
  record(
    `| ${label} | ${what} | p50 ${run.p50} ms | p99 ${run.p99} ms | max ${run.max} ms, ${run.sent} sent, ${run.errors} errors; from due: p50 ${due.p50} ms, p99 ${due.p99} ms;${gc ? ` ${gc};` : ""} load average ${loadavg()[0]!.toFixed(2)} |`,
  );
}

type Run = Awaited<ReturnType<typeof wrk>>;

function throughputRows(label: string, bareBefore: Run, bareAfter: Run, token: Run, status: Run) {
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

console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}, node ${process.version}`,
);
ensureWrk();
try {
  const sqliteSmall = PARTS.has("sqlite")
    ? await readPath(`SQLite, ${CONNECTIONS.toLocaleString("en")} connections`, serverEnv({ DATA_DIR: path.join(work, "sqlite-small") }), CONNECTIONS, {
        throughput: THROUGHPUT,
      })
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
    const big = await readPath(`SQLite, ${BIG.toLocaleString("en")} connections`, serverEnv({ DATA_DIR: path.join(work, "sqlite-big") }), BIG, {
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
