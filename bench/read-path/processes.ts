// The child processes the bench measures (the server, the bare handlers) and what the server's
// log says about its garbage collections.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import path from "node:path";
import { MAIN, ROOT } from "./settings.js";

export interface Child {
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
export async function startChild(args: string[], env: Record<string, string>, ready: (line: string) => string | undefined, logFile?: string): Promise<Child> {
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

/**
 * The server, its log (with V8's line for each GC, `--trace-gc-nvp`) to `logFile`; with `traceFile`,
 * it also traces its event-loop stalls, GCs and slow SQLite calls there (bench/stall-trace.ts).
 */
export const startServer = (env: Record<string, string>, logFile: string, traceFile?: string) =>
  startChild(
    ["--trace-gc-nvp", ...profile, ...(traceFile ? ["--import", path.join(ROOT, "bench/stall-trace.ts")] : []), MAIN],
    traceFile ? { ...env, STALL_TRACE_FILE: traceFile } : env,
    (line) => (line.includes('"ads-connect listening"') ? (JSON.parse(line) as { publicUrl: string }).publicUrl : undefined),
    logFile,
  );

/** A bare-handler baseline (bench/bare-server.ts) answering with the bytes in `bodyFile`; `--raw` for plain node:http. */
export const startBaseline = (bodyFile: string, ...flags: string[]) =>
  startChild([path.join(ROOT, "bench/bare-server.ts"), bodyFile, ...flags], {}, (line) =>
    line.startsWith("listening ") ? `http://127.0.0.1:${line.slice(10).trim()}` : undefined,
  );

/**
 * The server's garbage collections in its log from byte `from` on (the measured run), from V8's
 * `--trace-gc-nvp` lines: scavenges (young generation) with their pauses and the bytes each
 * promoted to the old generation (objects that outlived a scavenge: the more, the longer each
 * scavenge), and full GCs.
 */
export function gcDuring(logFile: string, from: number): string {
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
