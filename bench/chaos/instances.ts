import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../packages/server/src/main.ts", import.meta.url));
const PRELOAD = fileURLToPath(new URL("./instancePreload.ts", import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One ads-connect server process (the real bin under tsx), on a fixed loopback port so a restart comes back at the same address. */
export class Instance {
  child: ChildProcess | null = null;
  private exited: Promise<unknown> = Promise.resolve();
  private readonly log: WriteStream;
  starts = 0;
  /** Log lines at level error (50) or above, over all its runs. */
  errorLines = 0;
  readonly url: string;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    readonly probeFile: string,
    logFile: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.log = createWriteStream(logFile, { flags: "a" });
  }

  get up(): boolean {
    return this.child !== null;
  }

  /** Starts the process; resolves once it listens (rejects if it exits first or takes over 60 s). */
  start(): Promise<void> {
    const child = spawn(process.execPath, ["--import", "tsx", "--import", PRELOAD, MAIN], {
      env: { ...process.env, ...this.env, PORT: String(this.port), HOST: "127.0.0.1", LOG_LEVEL: "info", CHAOS_PROBE_FILE: this.probeFile },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.starts++;
    this.exited = new Promise((resolve) => child.once("exit", resolve));
    let tail = "";
    child.stderr!.pipe(this.log, { end: false });
    child.stderr!.on("data", (chunk: Buffer) => (tail = (tail + chunk.toString("utf8")).slice(-1500)));
    return new Promise((resolve, reject) => {
      let buffered = "";
      let listening = false;
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start within 60 s`)), 60_000);
      child.once("exit", (code, signal) => {
        if (this.child === child) this.child = null;
        if (!listening) {
          clearTimeout(timer);
          reject(new Error(`${this.name} exited while starting (${code ?? signal}): ${(tail + buffered).slice(-1500)}`));
        }
      });
      child.stdout!.on("data", (chunk: Buffer) => {
        this.log.write(chunk);
        buffered += chunk.toString("utf8");
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines) {
          if (/"level":(5|6)\d/.test(line)) this.errorLines++;
          if (!listening && line.includes('"ads-connect listening"')) {
            listening = true;
            clearTimeout(timer);
            this.child = child;
            resolve();
          }
        }
      });
    });
  }

  /** `kill -9`: no shutdown, in-flight requests cut. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    child.kill("SIGKILL");
    await this.exited;
  }

  /** A graceful stop (SIGTERM), SIGKILL after 20 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    await this.exited;
    clearTimeout(timer);
  }

  close(): void {
    this.child?.kill("SIGKILL");
    this.log.end();
  }
}
