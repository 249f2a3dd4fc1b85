import type { z } from "zod";
import { AppError } from "../errors.js";

/** Parses request input with a shared schema; failures become one 400 naming every bad field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: "body" | "query"): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || what,
    message: issue.message,
    code: issue.code,
  }));
  const first = details[0]!;
  const summary = input === undefined && what === "body" ? "A JSON body is required (Content-Type: application/json)" : `${first.path}: ${first.message}`;
  return raise(new AppError(what === "body" ? "invalid_body" : "invalid_query", `Invalid request ${what}. ${summary}`, 400, { details }));
}

function raise(error: AppError): never {
  throw error;
}
