import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import { AppError } from "../errors.js";
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from "../store/databaseErrors.js";

interface HttpishError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  expose?: unknown;
}

/**
 * The one place errors become responses: `{error:{code,message,errors?}}`, a 4xx for anything the
 * client did, a 503 with Retry-After while the database is unreachable, a plain 500 (logged, no
 * stack in the body) for our own bugs.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    if (err instanceof AppError) {
      if (err.status >= 500) logger.warn({ err }, "request failed");
      if (err.retryAfterSeconds !== undefined) res.set("retry-after", String(err.retryAfterSeconds));
      res.status(err.status).json({ error: { code: err.code, message: err.message, ...(err.details ? { errors: err.details } : {}), ...(err.msads ? { msads: err.msads } : {}), ...(err.rawBody !== undefined ? { raw_body: err.rawBody } : {}) } });
      return;
    }
    const e = (err ?? {}) as HttpishError;
    const status = typeof e.status === "number" ? e.status : typeof e.statusCode === "number" ? e.statusCode : 500;
    if (status >= 400 && status < 500) {
      const [code, message] =
        e.type === "entity.parse.failed" ? ["invalid_json", "The request body is not valid JSON"]
        : e.type === "entity.too.large" ? ["payload_too_large", "The request body is too large"]
        : status === 404 ? ["not_found", "Not found"]
        : ["invalid_body", "The request could not be read"];
      res.status(status).json({ error: { code, message } });
      return;
    }
    if (isDatabaseUnavailable(err)) {
      // Not a bug: the database is down or restarting. Fail fast; the pool reconnects by itself.
      logger.warn({ code: (err as { code?: unknown }).code }, "database unavailable");
      res.set("retry-after", String(DATABASE_RETRY_AFTER_SECONDS));
      res.status(503).json({ error: { code: "database_unavailable", message: "The database is unreachable right now; try again shortly." } });
      return;
    }
    logger.error({ err }, "unhandled error");
    res.status(500).json({ error: { code: "internal_error", message: "Something went wrong on the server. It has been logged." } });
  };
}
