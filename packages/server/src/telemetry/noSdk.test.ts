import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const PROBE = fileURLToPath(new URL("../testing/otelImportProbe.ts", import.meta.url));

it("without OTEL_* settings no OpenTelemetry SDK module is loaded; with an endpoint the SDK and its exporter are", async () => {
  // A fresh process: which modules a server start loads, seen by a module hook and the require cache.
  const child = spawn(process.execPath, ["--import", "tsx", PROBE], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: "" },
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  expect(code).toBe(0);
  const { unset, set } = JSON.parse(out.trim().split("\n").pop()!) as { unset: string[]; set: string[] };
  expect(unset).toEqual([]);
  // The control: the same detection sees the SDK once an endpoint asks for it.
  expect(set.some((m) => /@opentelemetry[/+]sdk-trace/.test(m))).toBe(true);
  expect(set.some((m) => /@opentelemetry[/+]exporter-trace-otlp-proto/.test(m))).toBe(true);
  expect(set.some((m) => /@opentelemetry[/+]exporter-prometheus/.test(m))).toBe(false);
}, 60_000);
