import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";

/**
 * Spans through `@opentelemetry/api` only. Without the SDK (no OTEL_* export configured) every call
 * here is the API's no-op: no context manager, no spans, nothing injected into outgoing requests.
 *
 * Attributes never carry tokens, codes, secrets, e-mail addresses or URLs with their query.
 */
export const tracer = () => trace.getTracer("ads-connect");

/** The `ads_connect.*` attributes of an operation (Nango's vocabulary, as the operation log's). */
export interface OperationAttributes {
  type: string;
  action: string;
  connectionId?: string | null | undefined;
  integration?: string | null | undefined;
  /** The operation log's id, when it recorded one. */
  operationId?: string | null | undefined;
}

export function operationAttributes(op: OperationAttributes): Attributes {
  const attributes: Attributes = { "ads_connect.operation.type": op.type, "ads_connect.operation.action": op.action };
  if (op.connectionId) attributes["ads_connect.connection.id"] = op.connectionId;
  if (op.integration) attributes["ads_connect.integration"] = op.integration;
  if (op.operationId) attributes["ads_connect.operation.id"] = op.operationId;
  return attributes;
}

/**
 * A request's server span, made when first needed: a step that knows its trace (a connect flow's,
 * kept with its session) starts it under that trace; otherwise it starts under the incoming
 * `traceparent` the first time a child span needs it, or when the response is sent.
 */
export class RequestSpan {
  private span: Span | undefined;

  constructor(
    private readonly name: string,
    private readonly startTime: number,
    private readonly attributes: Attributes,
    /** The context the client sent (`traceparent`), or the root. */
    private readonly incoming: Context,
  ) {}

  get started(): boolean {
    return this.span !== undefined;
  }

  /** The span, started now under `parent` (the incoming context by default, linked when another parent is given). */
  materialize(parent?: Context): Span {
    if (!this.span) {
      const sent = trace.getSpanContext(this.incoming);
      const links: Link[] = parent && sent ? [{ context: sent }] : [];
      this.span = tracer().startSpan(
        this.name,
        { kind: SpanKind.SERVER, startTime: this.startTime, attributes: this.attributes, links },
        parent ?? this.incoming,
      );
    }
    return this.span;
  }
}

const REQUEST_SPAN = createContextKey("ads-connect request span");

export function withRequestSpan(ctx: Context, span: RequestSpan): Context {
  return ctx.setValue(REQUEST_SPAN, span);
}

/** The active context with the request's server span in it (started if it was not yet). */
export function activeContext(): Context {
  const ctx = context.active();
  if (trace.getSpan(ctx)) return ctx;
  const pending = ctx.getValue(REQUEST_SPAN) as RequestSpan | undefined;
  return pending ? trace.setSpan(ctx, pending.materialize()) : ctx;
}

/** The span current work belongs to, if any (no-op spans included). */
export function activeSpan(): Span | undefined {
  return trace.getSpan(activeContext());
}

/** The W3C context incoming in `headers` (`traceparent`, `tracestate`), or the root context. */
export function extractContext(headers: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** The current trace as a `traceparent` value to keep (a connect session, a queued webhook); null without tracing. */
export function currentTraceparent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(activeContext(), carrier);
  return carrier.traceparent ?? null;
}

/** Adds `traceparent` (and `tracestate`) for the current span to outgoing headers; nothing without tracing. */
export function injectTraceHeaders(headers: Record<string, string>, ctx: Context = context.active()): Record<string, string> {
  propagation.inject(ctx, headers);
  return headers;
}

/** Marks a span failed with the error's code (never its message: it may quote what the caller sent). */
export function recordFailure(span: Span | undefined, err: unknown): void {
  if (!span) return;
  const code = errorCode(err);
  span.setAttribute("error.type", code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}

export function errorCode(err: unknown): string {
  if (err && typeof err === "object" && "code" in err && typeof err.code === "string") return err.code;
  return err instanceof Error ? err.name : "error";
}

/** Runs `fn` in a new span (child of the current one, or of `parent`), ended when `fn` settles; a throw marks it failed. */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? activeContext();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes ? { attributes: options.attributes } : {}) }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    recordFailure(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/**
 * Continues a trace kept with a multi-request flow (`traceparent` stored with a connect session):
 * the request's server span starts under it, so every request of the flow lands in one trace, on
 * whichever instance serves it. Without a request span (or one already started) the work gets a
 * span of its own under the kept trace.
 */
export function joinTrace<T>(traceparent: string | null | undefined, name: string, fn: () => Promise<T>): Promise<T> {
  if (!traceparent) return fn();
  const kept = propagation.extract(ROOT_CONTEXT, { traceparent });
  if (!trace.getSpanContext(kept)) return fn();
  const ctx = context.active();
  const pending = ctx.getValue(REQUEST_SPAN) as RequestSpan | undefined;
  if (pending && !pending.started && !trace.getSpan(ctx)) return context.with(trace.setSpan(ctx, pending.materialize(kept)), fn);
  return inSpan(name, { parent: kept }, () => fn());
}

export { SpanKind };

/** An error answer's code on the request's span (`error.type`); a 5xx also marks the span failed. */
export function markErrorAnswer(code: string, status: number): void {
  const span = activeSpan();
  if (!span?.isRecording()) return;
  span.setAttribute("error.type", code);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}
