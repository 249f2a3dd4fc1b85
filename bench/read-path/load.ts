// The load generators: wrk for throughput (Debian's: 16 connections, 2 threads) and
// bench/open-loop.ts (a child process) for latency at a fixed rate, since Debian's wrk has no -R.
import { execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { RATE, ROOT, SECONDS, SECRET, work } from "./settings.js";

export function ensureWrk(): string {
  if (existsSync("/usr/bin/wrk")) return "/usr/bin/wrk";
  console.log("installing wrk (Debian package)…");
  execFileSync("apt-get", ["install", "-y", "-q", "wrk"], { stdio: "inherit" });
  return "/usr/bin/wrk";
}

export function pathsFile(name: string, paths: string[]): string {
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
export async function wrk(base: string, file: string, pid?: number): Promise<{ rps: number; non2xx: number; errors: string; cpuUsPerRequest: number }> {
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

export type Run = Awaited<ReturnType<typeof wrk>>;

export interface Paced {
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

export function openLoop(base: string, file: string, slowMs?: number): Promise<Paced> {
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
