import { parseArgs } from "node:util";
import { formatDoctorReport } from "./formatDoctorReport.js";
import { runDoctor } from "./runDoctor.js";

const USAGE = `Usage: ads-connect doctor [--tenant <directory id or domain>] [--json]

Checks the configuration in the environment (the same variables the server reads) and prints what to fix.
  --tenant  directory for the client id/secret check (default: MICROSOFT_TENANT, or organizations when that is common)
  --json    print the checks as JSON
Exit code 0 when nothing failed, 1 otherwise, 2 for bad arguments.`;

/** `ads-connect doctor …`: returns the exit code. */
export async function doctorCli(args: string[], env: Record<string, string | undefined>, out: (text: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { tenant: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, strict: true });
  } catch (err) {
    out(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    out(`${USAGE}\n`);
    return 0;
  }
  const report = await runDoctor({ env, ...(parsed.values.tenant ? { tenant: parsed.values.tenant } : {}) });
  out(parsed.values.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report));
  return report.ok ? 0 : 1;
}
