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

/** What an error becomes: the status, a `Retry-After` (seconds) when there is one, the JSON body. */
export interface ErrorResponse {
  status: number;
  retryAfter?: string;
  body: { error: { code: string; message: string; [key: string]: unknown } };
}

/**
 * The one place errors become responses: `{error:{code,message,errors?}}`, a 4xx for anything the
 * client did, a 503 with Retry-After while the database is unreachable, a plain 500 (logged, no
 * stack in the body) for our own bugs.
 */
export function errorResponse(logger: Logger, err: unknown): ErrorResponse {
  if (err instanceof AppError) {
    if (err.status >= 500) logger.warn({ err }, "request failed");
    return {
      status: err.status,
      ...(err.retryAfterSeconds !== undefined ? { retryAfter: String(err.retryAfterSeconds) } : {}),
      body: { error: { code: err.code, message: err.message, ...(err.details ? { errors: err.details } : {}), ...(err.msads ? { msads: err.msads } : {}), ...(err.rawBody !== undefined ? { raw_body: err.rawBody } : {}) } },
    };
  }
  const e = (err ?? {}) as HttpishError;
  const status = typeof e.status === "number" ? e.status : typeof e.statusCode === "number" ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    const [code, message] =
      e.type === "entity.parse.failed" ? ["invalid_json", "The request body is not valid JSON"]
      : e.type === "entity.too.large" ? ["payload_too_large", "The request body is too large"]
      : status === 404 ? ["not_found", "Not found"]
      : ["invalid_body", "The request could not be read"];
    return { status, body: { error: { code, message } } };
  }
  if (isDatabaseUnavailable(err)) {
    // Not a bug: the database is down or restarting. Fail fast; the pool reconnects by itself.
    logger.warn({ code: (err as { code?: unknown }).code }, "database unavailable");
    return { status: 503, retryAfter: String(DATABASE_RETRY_AFTER_SECONDS), body: { error: { code: "database_unavailable", message: "The database is unreachable right now; try again shortly." } } };
  }
  logger.error({ err }, "unhandled error");
  return { status: 500, body: { error: { code: "internal_error", message: "Something went wrong on the server. It has been logged." } } };
}

/** Express's error handler: the response `errorResponse` describes. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const { status, retryAfter, body } = errorResponse(logger, err);
    if (retryAfter !== undefined) res.set("retry-after", retryAfter);
    res.status(status).json(body);
  };
}
