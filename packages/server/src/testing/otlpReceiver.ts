import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** An OTLP attribute as OTLP/JSON carries it. */
interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
}

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** 1 internal, 2 server, 3 client (OTLP's SpanKind numbers). */
  kind: number;
  attributes: Record<string, string | number | boolean | undefined>;
  status: { code?: number; message?: string } | undefined;
  links: { traceId: string; spanId: string }[];
  resource: Record<string, string | number | boolean | undefined>;
}

export interface ReceivedPoint {
  attributes: Record<string, string | number | boolean | undefined>;
  /** A sum's or gauge's value, a histogram's count. */
  value: number;
}

const flat = (attributes: OtlpAttribute[] | undefined) =>
  Object.fromEntries(
    (attributes ?? []).map((a) => [
      a.key,
      a.value.stringValue ?? (a.value.intValue !== undefined ? Number(a.value.intValue) : (a.value.boolValue ?? a.value.doubleValue)),
    ]),
  );

/**
 * A local OpenTelemetry collector for tests: accepts OTLP/HTTP JSON (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`)
 * at /v1/traces and /v1/metrics and decodes what arrives. Every request body is kept as it came,
 * for scans of what left the process.
 */
export async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  /** Each metrics export: metric name → its data points (cumulative, so the latest export holds the totals). */
  const metricExports: Map<string, ReceivedPoint[]>[] = [];
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      bodies.push(text);
      if (!/json/.test(req.headers["content-type"] ?? "")) {
        res.writeHead(415).end();
        return;
      }
      const body = JSON.parse(text) as Record<string, unknown>;
      if (req.url === "/v1/traces") collectSpans(body);
      else if (req.url === "/v1/metrics") collectMetrics(body);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });

  function collectSpans(body: Record<string, unknown>) {
    for (const rs of (body.resourceSpans ?? []) as { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: Record<string, unknown>[] }[] }[]) {
      const resource = flat(rs.resource?.attributes);
      for (const ss of rs.scopeSpans ?? [])
        for (const s of ss.spans ?? [])
          spans.push({
            traceId: s.traceId as string,
            spanId: s.spanId as string,
            parentSpanId: (s.parentSpanId as string | undefined) || undefined,
            name: s.name as string,
            kind: s.kind as number,
            attributes: flat(s.attributes as OtlpAttribute[]),
            status: s.status as ReceivedSpan["status"],
            links: ((s.links ?? []) as { traceId: string; spanId: string }[]).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
            resource,
          });
    }
  }

  function collectMetrics(body: Record<string, unknown>) {
    const exported = new Map<string, ReceivedPoint[]>();
    for (const rm of (body.resourceMetrics ?? []) as { scopeMetrics?: { metrics?: Record<string, unknown>[] }[] }[])
      for (const sm of rm.scopeMetrics ?? [])
        for (const m of sm.metrics ?? []) {
          const data = (m.sum ?? m.gauge ?? m.histogram) as { dataPoints?: Record<string, unknown>[] } | undefined;
          exported.set(
            m.name as string,
            (data?.dataPoints ?? []).map((p) => ({
              attributes: flat(p.attributes as OtlpAttribute[]),
              value: Number(p.asInt ?? p.asDouble ?? p.count ?? 0),
            })),
          );
        }
    metricExports.push(exported);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    bodies,
    /** A metric's points in the latest export that had it. */
    metric(name: string): ReceivedPoint[] {
      for (let i = metricExports.length - 1; i >= 0; i--) {
        const points = metricExports[i]!.get(name);
        if (points) return points;
      }
      return [];
    },
    /** The sum of a metric's points whose attributes include `match`. */
    total(name: string, match: Record<string, string | number> = {}): number {
      return this.metric(name)
        .filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v))
        .reduce((sum, p) => sum + p.value, 0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
