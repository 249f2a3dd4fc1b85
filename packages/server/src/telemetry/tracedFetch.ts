import { context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { activeContext, injectTraceHeaders, recordFailure, tracer } from "./tracing.js";

/**
 * `fetch` with one HTTP client span per request (semantic conventions; the URL without its query),
 * carrying the span to the server in `traceparent`. `peer` names the service (`ads_connect.peer`).
 */
export function tracedFetch(fetchFn: typeof fetch, peer: string): typeof fetch {
  return async (input, init) => {
    const parent = activeContext();
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    const span = tracer().startSpan(
      method,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          "http.request.method": method,
          "server.address": url.hostname,
          "server.port": Number(url.port) || (url.protocol === "https:" ? 443 : 80),
          "url.full": `${url.origin}${url.pathname}`,
          "ads_connect.peer": peer,
        },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    const carrier: Record<string, string> = {};
    injectTraceHeaders(carrier, ctx);
    for (const [name, value] of Object.entries(carrier)) headers.set(name, value);
    try {
      const response = await context.with(ctx, () => fetchFn(input, { ...init, headers }));
      ended(span, response.status);
      return response;
    } catch (err) {
      recordFailure(span, err);
      span.end();
      throw err;
    }
  };
}

function ended(span: Span, status: number): void {
  span.setAttribute("http.response.status_code", status);
  if (status >= 400) {
    span.setAttribute("error.type", String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
