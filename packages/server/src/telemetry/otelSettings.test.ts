import { describe, expect, it } from "vitest";
import { otelSettings } from "./otelSettings.js";

describe("the standard OTEL_* variables", () => {
  it("nothing set, an exporter of `none` only, or OTEL_SDK_DISABLED=true: nothing to export (no SDK)", () => {
    expect(otelSettings({})).toBeNull();
    expect(otelSettings({ OTEL_SERVICE_NAME: "x" })).toBeNull();
    expect(otelSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_TRACES_EXPORTER: "none", OTEL_METRICS_EXPORTER: "none" })).toBeNull();
    expect(otelSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "TRUE" })).toBeNull();
  });

  it("the base endpoint gets each signal's path; a signal's own endpoint is used as it is; protocol and headers per signal", () => {
    const s = otelSettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/",
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "https://metrics.example/ingest",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "http/protobuf",
      OTEL_EXPORTER_OTLP_HEADERS: "api-key=a%3Db,x-tenant=t1",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-tenant=t2",
      OTEL_SERVICE_NAME: "ads-connect-eu",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod",
      OTEL_METRIC_EXPORT_INTERVAL: "15000",
    })!;
    expect(s.traces).toEqual({ url: "http://collector:4318/v1/traces", protocol: "http/json", headers: { "api-key": "a=b", "x-tenant": "t2" } });
    expect(s.metrics).toEqual({ url: "https://metrics.example/ingest", protocol: "http/protobuf", headers: { "api-key": "a=b", "x-tenant": "t1" } });
    expect(s).toMatchObject({ serviceName: "ads-connect-eu", resourceAttributes: { "deployment.environment": "prod" }, metricIntervalMs: 15000, warnings: [] });
  });

  it("gRPC is refused with a warning (that signal is not exported); an unknown sampler falls back to parentbased_always_on", () => {
    const s = otelSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c/v1/traces", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" });
    expect(s).toMatchObject({ traces: null, metrics: null, warnings: [expect.stringContaining("grpc is not supported")] });
    const sampled = otelSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c/v1/traces", OTEL_TRACES_SAMPLER: "jaeger_remote" })!;
    expect(sampled.sampler.name).toBe("parentbased_always_on");
    expect(sampled.warnings).toEqual([expect.stringContaining("jaeger_remote")]);
    expect(sampled.metrics).toBeNull();
  });
});
