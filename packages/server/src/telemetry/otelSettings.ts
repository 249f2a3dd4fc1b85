/**
 * What the standard OpenTelemetry variables ask for (the OTLP exporter specification's names and
 * rules), read from the server's environment. Pure: nothing here loads the SDK.
 */

export type OtlpProtocol = "http/protobuf" | "http/json";

export interface OtlpTarget {
  /** The signal's full URL (`…/v1/traces`, `…/v1/metrics`). */
  url: string;
  protocol: OtlpProtocol;
  /** OTEL_EXPORTER_OTLP_HEADERS (may hold an API key: never logged). */
  headers: Record<string, string>;
}

export interface OtelSettings {
  serviceName: string;
  resourceAttributes: Record<string, string>;
  traces: OtlpTarget | null;
  metrics: OtlpTarget | null;
  metricIntervalMs: number;
  /** OTEL_TRACES_SAMPLER's rule and the ratio of the `traceidratio` ones. */
  sampler: { name: string; ratio: number };
  /** Settings that were ignored, to warn about at start. */
  warnings: string[];
}

type Env = Record<string, string | undefined>;

const SAMPLERS = new Set(["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"]);

/** Null when nothing is to be exported (no endpoint, `none` exporters, or OTEL_SDK_DISABLED=true); `traces` and `metrics` null when only refused settings are left. */
export function otelSettings(env: Env): OtelSettings | null {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return null;
  const warnings: string[] = [];
  const traces = exporterWanted(env.OTEL_TRACES_EXPORTER) ? target(env, "TRACES", "v1/traces", warnings) : null;
  const metrics = exporterWanted(env.OTEL_METRICS_EXPORTER) ? target(env, "METRICS", "v1/metrics", warnings) : null;
  // Nothing to export; the settings still come back when some were refused, for their warnings.
  if (!traces && !metrics && warnings.length === 0) return null;
  const resourceAttributes = parsePairs(env.OTEL_RESOURCE_ATTRIBUTES);
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || resourceAttributes["service.name"] || "ads-connect";
  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL ?? 60_000);
  let sampler = (env.OTEL_TRACES_SAMPLER ?? "parentbased_always_on").trim().toLowerCase();
  if (!SAMPLERS.has(sampler)) {
    warnings.push(`OTEL_TRACES_SAMPLER=${sampler} is not supported: parentbased_always_on is used`);
    sampler = "parentbased_always_on";
  }
  const ratio = Number(env.OTEL_TRACES_SAMPLER_ARG ?? 1);
  return {
    serviceName,
    resourceAttributes,
    traces,
    metrics,
    metricIntervalMs: Number.isFinite(interval) && interval >= 100 ? interval : 60_000,
    sampler: { name: sampler, ratio: Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? ratio : 1 },
    warnings,
  };
}

/** OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER: `otlp` (the default) or `none`. */
function exporterWanted(value: string | undefined): boolean {
  return (value ?? "otlp").split(",").some((v) => v.trim().toLowerCase() === "otlp");
}

/** The signal's endpoint: its own variable used as it is, else the base endpoint plus the signal's path. */
function target(env: Env, signal: "TRACES" | "METRICS", suffix: string, warnings: string[]): OtlpTarget | null {
  const own = env[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`]?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const url = own || (base ? `${base.replace(/\/+$/, "")}/${suffix}` : "");
  if (!url) return null;
  if (!/^https?:\/\//i.test(url)) {
    warnings.push(`the OTLP ${signal.toLowerCase()} endpoint must be an http(s) URL: ${signal.toLowerCase()} are not exported`);
    return null;
  }
  const protocol = (env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`] ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? "http/protobuf").trim();
  if (protocol !== "http/protobuf" && protocol !== "http/json") {
    warnings.push(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported (http/protobuf or http/json): ${signal.toLowerCase()} are not exported`);
    return null;
  }
  const headers = { ...parsePairs(env.OTEL_EXPORTER_OTLP_HEADERS), ...parsePairs(env[`OTEL_EXPORTER_OTLP_${signal}_HEADERS`]) };
  return { url, protocol, headers };
}

/** `key1=value1,key2=value2` with URL-encoded values (the W3C baggage-like format the specification uses). */
function parsePairs(value: string | undefined): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const item of (value ?? "").split(",")) {
    const at = item.indexOf("=");
    if (at <= 0) continue;
    try {
      pairs[decodeURIComponent(item.slice(0, at).trim())] = decodeURIComponent(item.slice(at + 1).trim());
    } catch {
      // A malformed pair is skipped, as the SDK does.
    }
  }
  return pairs;
}
