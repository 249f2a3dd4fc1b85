import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Where this process itself listens (differs from `url` when PUBLIC_URL points at a load balancer in front). */
  address: string;
  /** Every stdout line (JSON log lines) so far. */
  lines: string[];
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
}

/** The server's own bin in a child process, as production runs it; resolves once it listens. */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: { ...process.env, PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)));
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    let buffered = "";
    // The last log lines say why (a config error, a migration that failed).
    void exited.then((code) => reject(new Error(`server exited early (${code}): ${[...lines, buffered].slice(-5).join("\n")}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        if (line.includes('"ads-connect listening"')) {
          const { publicUrl, url } = JSON.parse(line) as { publicUrl: string; url: string };
          resolve({ child, url: publicUrl, address: url.replace("//0.0.0.0:", "//127.0.0.1:"), lines, exited });
        }
      }
    });
  });
}
