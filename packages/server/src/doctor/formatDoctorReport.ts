import type { CheckStatus, DoctorReport } from "./runDoctor.js";

const MARK: Record<CheckStatus, string> = { ok: "✔", info: "•", warn: "!", fail: "✘" };

/** Plain text for a terminal: one line per check, its details indented, a verdict at the end. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines = ["ads-connect doctor", ""];
  for (const check of report.checks) {
    lines.push(`${MARK[check.status]} ${check.status === "fail" ? "FAIL " : check.status === "warn" ? "WARN " : ""}${check.summary}`);
    for (const detail of check.details) lines.push(`    ${detail}`);
  }
  const failed = report.checks.filter((c) => c.status === "fail").length;
  const warned = report.checks.filter((c) => c.status === "warn").length;
  lines.push("");
  if (failed > 0) lines.push(`${failed} problem${failed === 1 ? "" : "s"} to fix${warned ? `, ${warned} warning${warned === 1 ? "" : "s"}` : ""}.`);
  else lines.push(warned ? `Ready, with ${warned} warning${warned === 1 ? "" : "s"}.` : "Ready: Microsoft sign-in is set up correctly.");
  return `${lines.join("\n")}\n`;
}
