import type { IncomingMessage, ServerResponse } from "node:http";
import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import { AppError, operationIdOf } from "../errors.js";
import { fromDatabaseError } from "../store/databaseErrors.js";
import type { DatabaseOutage } from "../store/databaseOutage.js";
import { markErrorAnswer } from "../telemetry/tracing.js";
import { markOutageAnswer } from "./requestLogger.js";
import { sendJson } from "./sendJson.js";

interface HttpishError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
}

/** What an error becomes: the status, a `Retry-After` (seconds) when there is one, the JSON body. */
export interface ErrorResponse {
  status: number;
  retryAfter?: string;
  body: { error: { code: string; message: string; [key: string]: unknown } };
}

/**
 * Express's and body-parser's own 4xx errors (unreadable JSON, a body too large, no route) as the
 * AppError they stand for; null for anything else.
 */
function fromRequestError(err: unknown): AppError | null {
  const e = (err ?? {}) as HttpishError;
  const status = typeof e.status === "number" ? e.status : typeof e.statusCode === "number" ? e.statusCode : 500;
  if (status < 400 || status >= 500) return null;
  if (e.type === "entity.parse.failed") return new AppError("invalid_json", "The request body is not valid JSON", status);
  if (e.type === "entity.too.large") return new AppError("payload_too_large", "The request body is too large", status);
  if (status === 404) return new AppError("not_found", "Not found", status);
  return new AppError("invalid_body", "The request could not be read", status);
}

function fromAppError(err: AppError): ErrorResponse {
  return {
    status: err.status,
    ...(err.retryAfterSeconds !== undefined ? { retryAfter: String(err.retryAfterSeconds) } : {}),
    body: {
      error: {
        code: err.code,
        message: err.message,
        ...(err.fieldErrors ? { errors: err.fieldErrors } : {}),
        ...(err.msads ? { msads: err.msads } : {}),
        ...(err.rawBody !== undefined ? { raw_body: err.rawBody } : {}),
        ...(err.operationId !== undefined ? { operation_id: err.operationId } : {}),
      },
    },
  };
}

/**
 * The one place errors become responses: an AppError as `{error:{code,message,errors?,msads?,raw_body?,operation_id?}}`
 * with its status; Express's own 4xx errors and an unreachable database are first translated into
 * one; anything else is our bug: a plain 500, logged, no stack in the body. Any of them carries
 * `operation_id` when the error failed an operation (`Operation.fail` tags it). An unreachable
 * database is told to `outage`, which logs it once per outage (without one, a warn line per request).
 */
export function errorResponse(logger: Logger, err: unknown, outage?: DatabaseOutage): ErrorResponse {
  const response = describeError(logger, err, outage);
  // An error that failed an operation names it, whatever the answer it became (a 500, a 503 of the database…).
  const operationId = operationIdOf(err);
  if (operationId !== undefined) response.body.error.operation_id ??= operationId;
  return response;
}

function describeError(logger: Logger, err: unknown, outage?: DatabaseOutage): ErrorResponse {
  if (err instanceof AppError) {
    if (err.status >= 500 && !(err.code === "database_unavailable" && outage?.noted(err))) logger.warn({ err }, "request failed");
    return fromAppError(err);
  }
  const requestError = fromRequestError(err);
  if (requestError) return fromAppError(requestError);
  const unavailable = fromDatabaseError(err);
  if (unavailable) {
    // Not a bug: the database is down or restarting. Fail fast; the pool reconnects by itself.
    if (!outage?.noted(err)) logger.warn({ code: (err as { code?: unknown }).code }, "database unavailable");
    return fromAppError(unavailable);
  }
  logger.error({ err }, "unhandled error");
  return { status: 500, body: { error: { code: "internal_error", message: "Something went wrong on the server. It has been logged." } } };
}

/**
 * Answers with the response `errorResponse` describes, as Express's `res.json` writes it (also for
 * a request answered ahead of Express). A response already under way is cut off: it cannot be
 * turned into an error any more.
 */
export function sendError(logger: Logger, req: IncomingMessage, res: ServerResponse, err: unknown, outage?: DatabaseOutage): void {
  const { status, retryAfter, body } = errorResponse(logger, err, outage);
  markErrorAnswer(body.error.code, status);
  if (body.error.code === "database_unavailable") markOutageAnswer(res);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (retryAfter !== undefined) res.setHeader("retry-after", retryAfter);
  sendJson(req, res, status, body);
}

/** Express's error handler: `sendError`. */
export function errorHandler(logger: Logger, outage?: DatabaseOutage): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => sendError(logger, req, res, err, outage);
}
