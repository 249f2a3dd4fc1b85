import { context } from "@opentelemetry/api";
import type { Request, RequestHandler } from "express";
import { extractContext, RequestSpan, withRequestSpan } from "../telemetry/tracing.js";

/**
 * A server span per request (HTTP semantic conventions), under the caller's `traceparent`, made
 * when first needed (see RequestSpan): a connect flow's step starts it under the flow's own trace.
 * Only mounted when spans are exported. The token and status reads' fast path runs ahead of
 * Express and makes none (they are counted in metrics instead).
 */
export function httpTracing(): RequestHandler {
  return (req, res, next) => {
    const attributes = {
      "http.request.method": req.method,
      "url.path": req.path,
      "url.scheme": req.protocol,
      "server.address": req.hostname ?? "",
      "network.protocol.version": req.httpVersion,
    };
    const span = new RequestSpan(req.method, Date.now(), attributes, extractContext(req.headers));
    res.once("close", () => {
      const server = span.materialize();
      const route = routeOf(req);
      if (route) {
        server.setAttribute("http.route", route);
        server.updateName(`${req.method} ${route}`);
      }
      server.setAttribute("http.response.status_code", res.statusCode);
      server.end();
    });
    context.with(withRequestSpan(context.active(), span), next);
  };
}

/** The matched route's template (`/connection/:connectionId`), with the router's mount path; never the raw path's ids or query. */
function routeOf(req: Request): string | undefined {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === "string" ? `${req.baseUrl}${path}` : undefined;
}
