import { z } from "zod";
import { httpUrl, onOff, secret } from "./envSchemaFields.js";

/** Metrics (Prometheus) and OpenTelemetry's standard variables (issue 26). Spread into EnvSchema in this order. */
export const TELEMETRY_ENV = {
  METRICS_ENABLED: onOff.default("off").meta({
    description:
      "serve metrics for Prometheus at `/metrics` (OpenTelemetry's Prometheus exporter): on the server's port behind METRICS_KEY, or on METRICS_PORT alone",
  }),
  METRICS_KEY: secret.optional().meta({
    description: "scrapers send it as `Authorization: Bearer …` (at least 32 characters); required for `/metrics` on the server's own port",
    secret: true,
  }),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional().meta({
    description: "serve `/metrics` on this port of its own (METRICS_HOST) instead of the server's; METRICS_KEY is then optional",
    unset: "`/metrics` on PORT, behind METRICS_KEY",
  }),
  METRICS_HOST: z.string().min(1).default("127.0.0.1").meta({ description: "interface METRICS_PORT listens on" }),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional().meta({
    description:
      "OpenTelemetry: base URL of an OTLP/HTTP collector; traces go to `…/v1/traces`, metrics to `…/v1/metrics` (the SDK is loaded only when an endpoint is set)",
    unset: "nothing is exported and no OpenTelemetry SDK is loaded",
  }),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional().meta({ description: "OpenTelemetry: full OTLP/HTTP URL for traces only" }),
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: httpUrl.optional().meta({ description: "OpenTelemetry: full OTLP/HTTP URL for metrics only" }),
  OTEL_EXPORTER_OTLP_PROTOCOL: z
    .enum(["http/protobuf", "http/json"], { error: "must be http/protobuf or http/json (gRPC is not supported)" })
    .default("http/protobuf")
    .meta({ description: "OpenTelemetry: OTLP encoding (`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `_METRICS_PROTOCOL` per signal)" }),
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .optional()
    .meta({ description: "OpenTelemetry: headers sent to the collector, `key=value,…` (e.g. its API key)", secret: true }),
  OTEL_SERVICE_NAME: z.string().min(1).default("ads-connect").meta({ description: "OpenTelemetry: the `service.name` of every span and metric" }),
  OTEL_RESOURCE_ATTRIBUTES: z.string().optional().meta({ description: "OpenTelemetry: more resource attributes, `key=value,…`" }),
  OTEL_TRACES_EXPORTER: z.string().default("otlp").meta({ description: "OpenTelemetry: `otlp`, or `none` to export no traces" }),
  OTEL_METRICS_EXPORTER: z.string().default("otlp").meta({ description: "OpenTelemetry: `otlp`, or `none` to export no metrics over OTLP" }),
  OTEL_METRIC_EXPORT_INTERVAL: z.coerce.number().int().min(100).default(60_000).meta({ description: "OpenTelemetry: milliseconds between metric exports" }),
  OTEL_TRACES_SAMPLER: z
    .string()
    .default("parentbased_always_on")
    .meta({ description: "OpenTelemetry: `parentbased_always_on`, `parentbased_traceidratio` (OTEL_TRACES_SAMPLER_ARG), `always_off`…" }),
  OTEL_TRACES_SAMPLER_ARG: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(1)
    .meta({ description: "OpenTelemetry: the sampled share of traces for the `traceidratio` samplers (0-1)" }),
  OTEL_SDK_DISABLED: z.string().default("false").meta({ description: "OpenTelemetry: `true` loads no SDK and exports nothing, whatever else is set" }),
};
