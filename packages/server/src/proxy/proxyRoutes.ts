import { pipeline } from "node:stream/promises";
import { type Request, type RequestHandler, Router } from "express";
import { z } from "zod";
import { AppError } from "../errors.js";
import { nangoProxyHeaders } from "./proxyHeaders.js";
import { MAX_PROXY_RETRIES, type ProxyService } from "./proxyService.js";

const id = z
  .string()
  .trim()
  .regex(/^\d{1,20}$/, "must be a Microsoft Advertising id (digits)");
const empty = (v: unknown) => (v === "" ? undefined : v);

/** Nango's proxy headers (`@nangohq/node`'s `proxy()` sends them), checked once per request with one schema. */
const ProxyHeadersSchema = z.object({
  "connection-id": z.string({ error: "the Connection-Id header is required" }).trim().min(1, "the Connection-Id header is required").max(255),
  "provider-config-key": z.preprocess(empty, z.string().optional()),
  retries: z.preprocess(empty, z.coerce.number().int().min(0).max(MAX_PROXY_RETRIES).optional()),
  "retry-on": z.preprocess(
    empty,
    z
      .string()
      .transform((v) =>
        v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z
            .string()
            .regex(/^\d{3}$/, "must be HTTP status codes")
            .transform(Number)
            .pipe(z.number().int().min(400).max(599)),
        ),
      )
      .optional(),
  ),
  "base-url-override": z.preprocess(empty, z.string().optional()),
  "customer-id": z.preprocess(empty, id.optional()),
  "account-id": z.preprocess(empty, id.optional()),
});

function proxyHeaders(req: Request) {
  const forwarded = nangoProxyHeaders(req.headers);
  // Customer-Id / Account-Id choose the account; @nangohq/node sends them as Nango-Proxy-… headers.
  const input = {
    ...req.headers,
    "customer-id": req.headers["customer-id"] ?? forwarded["customer-id"],
    "account-id": req.headers["account-id"] ?? forwarded["account-id"],
  };
  delete forwarded["customer-id"];
  delete forwarded["account-id"];
  const parsed = ProxyHeadersSchema.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message, code: i.code }));
    throw new AppError("invalid_header", `Invalid proxy header. ${details[0]!.path}: ${details[0]!.message}`, 400, { details });
  }
  return { ...parsed.data, forwarded };
}

/**
 * `ALL /proxy/<Microsoft Advertising path>` in Nango's shape (secret key). Mounted before the JSON
 * parser: the body is read (bounded) by the proxy itself and sent on as is.
 */
export function proxyRoutes(proxy: ProxyService, requireSecretKey: RequestHandler, maxRequestBytes: number): Router {
  const router = Router({ caseSensitive: true });
  router.use("/proxy", requireSecretKey, async (req, res) => {
    const headers = proxyHeaders(req);
    const length = Number(req.headers["content-length"] ?? NaN);
    if (length > maxRequestBytes) {
      // Refused before reading or sending anything; the connection is closed after the answer.
      res.set("connection", "close");
      throw new AppError(
        "payload_too_large",
        `The request body is larger than the proxy's limit of ${maxRequestBytes} bytes (PROXY_MAX_REQUEST_BYTES); nothing was sent`,
        413,
      );
    }
    const hasBody = req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined;
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const answer = await proxy
      .call({
        connectionId: headers["connection-id"],
        providerConfigKey: headers["provider-config-key"],
        method: req.method,
        endpoint: req.url,
        headers: headers.forwarded,
        body: hasBody ? req : null,
        customerId: headers["customer-id"],
        accountId: headers["account-id"],
        retries: headers.retries,
        retryOn: headers["retry-on"],
        baseUrlOverride: headers["base-url-override"],
        signal: controller.signal,
      })
      .catch((err: unknown) => {
        // A body refused or timed out half-read: the rest is not read, so the connection cannot be reused.
        if ((err instanceof AppError && err.status === 413) || (hasBody && !req.complete)) res.set("connection", "close");
        throw err;
      });
    // setHeader, not Express's set: Microsoft's Content-Type is passed on exactly (no charset added).
    res.status(answer.status);
    // A header the server set already (its security headers) is never replaced by Microsoft's.
    for (const [name, value] of Object.entries(answer.headers)) if (!res.hasHeader(name)) res.setHeader(name, value);
    if (!answer.headers["cache-control"]) res.setHeader("cache-control", "no-store");
    if (Buffer.isBuffer(answer.body)) {
      res.end(answer.body);
      return;
    }
    try {
      await pipeline(answer.body, res);
    } catch {
      // Cut mid-stream (too large, timeout, client gone): the caller sees an incomplete answer.
      res.destroy();
    }
  });
  return router;
}
