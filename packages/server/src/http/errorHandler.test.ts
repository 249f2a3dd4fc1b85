import pino from "pino";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors.js";
import { DatabaseBusyError } from "../store/databaseBusy.js";
import { fromDatabaseError } from "../store/databaseErrors.js";
import { errorResponse } from "./errorHandler.js";

const logger = pino({ level: "silent" });

describe("errorResponse: the one place errors become responses", () => {
  it("an AppError answers its status, code, message, fields and Retry-After", () => {
    const err = new AppError("invalid_body", "Invalid request body. a: required", 400, { details: [{ path: "a", message: "required" }] });
    expect(errorResponse(logger, err)).toEqual({
      status: 400,
      body: { error: { code: "invalid_body", message: "Invalid request body. a: required", errors: [{ path: "a", message: "required" }] } },
    });
    expect(errorResponse(logger, new DatabaseBusyError())).toMatchObject({ status: 503, retryAfter: "2", body: { error: { code: "database_busy" } } });
  });

  it("body-parser's errors are 4xx AppErrors", () => {
    const parse = Object.assign(new SyntaxError("Unexpected token"), { status: 400, type: "entity.parse.failed" });
    expect(errorResponse(logger, parse)).toEqual({ status: 400, body: { error: { code: "invalid_json", message: "The request body is not valid JSON" } } });
    const large = Object.assign(new Error("too large"), { statusCode: 413, type: "entity.too.large" });
    expect(errorResponse(logger, large)).toEqual({ status: 413, body: { error: { code: "payload_too_large", message: "The request body is too large" } } });
  });

  it("an unreachable database is a 503 database_unavailable with Retry-After", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    expect(fromDatabaseError(refused)).toMatchObject({ code: "database_unavailable", status: 503, retryAfterSeconds: 5, cause: refused });
    expect(fromDatabaseError(new Error("a bug"))).toBeNull();
    expect(errorResponse(logger, refused)).toEqual({
      status: 503,
      retryAfter: "5",
      body: { error: { code: "database_unavailable", message: "The database is unreachable right now; try again shortly." } },
    });
  });

  it("anything else is a plain 500 without the error's message or stack", () => {
    const bug = new TypeError("secret-ish detail at line 3");
    const res = errorResponse(logger, bug);
    expect(res).toEqual({ status: 500, body: { error: { code: "internal_error", message: "Something went wrong on the server. It has been logged." } } });
    expect(JSON.stringify(res)).not.toMatch(/secret-ish|at line/);
  });
});
