// The only module that imports the OpenTelemetry SDK; startTelemetry.ts imports it dynamically, and
// only when an export is configured, so a server without OTEL_* settings never loads any of this.
import type { IncomingMessage, ServerResponse } from "node:http";
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import type { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider, type MetricReader, PeriodicExportingMetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import type { Logger } from "pino";
import type { OtelSettings, OtlpTarget } from "./otelSettings.js";

export interface SdkHandle {
  tracing: boolean;
  prometheus: ((req: IncomingMessage, res: ServerResponse) => void) | null;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export async function startSdk(options: { settings: OtelSettings | null; prometheus: boolean; logger: Logger }): Promise<SdkHandle> {
  const { settings, logger } = options;
  const resource = resourceFromAttributes({ ...settings?.resourceAttributes, "service.name": settings?.serviceName ?? "ads-connect" });

  let tracerProvider: TracerProvider | undefined;
  if (settings?.traces) {
    const exporter = await spanExporter(settings.traces);
    tracerProvider = new TracerProvider({ resource, sampler: sampler(settings.sampler), spanProcessors: [new BatchSpanProcessor({ exporter })] });
    trace.setGlobalTracerProvider(tracerProvider);
  }

  const readers: MetricReader[] = [];
  if (settings?.metrics) {
    const exporter = await metricExporter(settings.metrics);
    readers.push(new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: settings.metricIntervalMs }));
  }
  let prometheus: PrometheusExporter | undefined;
  if (options.prometheus) {
    const { PrometheusExporter } = await import("@opentelemetry/exporter-prometheus");
    // Served by the server's own route (key) or port, not the exporter's own server.
    prometheus = new PrometheusExporter({ preventServerStart: true });
    readers.push(prometheus);
  }
  const meterProvider = readers.length > 0 ? new MeterProvider({ resource, readers }) : undefined;
  if (meterProvider) metrics.setGlobalMeterProvider(meterProvider);

  if (tracerProvider) {
    // Spans follow the async work that made them (one request's awaits), and trace context goes in
    // and out as W3C `traceparent`. Only with traces: AsyncLocalStorage's hooks cost every promise
    // of the process (the read path included) something, which metrics alone do not need.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  }

  const flush = async () => {
    await Promise.all([tracerProvider?.forceFlush(), meterProvider?.forceFlush()]).catch((err: unknown) =>
      logger.warn({ err: String(err) }, "OpenTelemetry export failed"),
    );
  };
  return {
    tracing: tracerProvider !== undefined,
    prometheus: prometheus ? (req, res) => prometheus.getMetricsRequestHandler(req, res) : null,
    flush,
    async shutdown() {
      await flush();
      await Promise.all([tracerProvider?.shutdown(), meterProvider?.shutdown()]).catch(() => {});
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
    },
  };
}

function sampler({ name, ratio }: OtelSettings["sampler"]): Sampler {
  const root = name.endsWith("always_off")
    ? new AlwaysOffSampler()
    : name.endsWith("traceidratio")
      ? new TraceIdRatioBasedSampler(ratio)
      : new AlwaysOnSampler();
  return name.startsWith("parentbased_") ? new ParentBasedSampler({ root }) : root;
}

async function spanExporter(target: OtlpTarget): Promise<SpanExporter> {
  const config = { url: target.url, headers: target.headers };
  if (target.protocol === "http/json") return new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter(config);
  return new (await import("@opentelemetry/exporter-trace-otlp-proto")).OTLPTraceExporter(config);
}

async function metricExporter(target: OtlpTarget): Promise<PushMetricExporter> {
  const config = { url: target.url, headers: target.headers };
  if (target.protocol === "http/json") return new (await import("@opentelemetry/exporter-metrics-otlp-http")).OTLPMetricExporter(config);
  return new (await import("@opentelemetry/exporter-metrics-otlp-proto")).OTLPMetricExporter(config);
}
