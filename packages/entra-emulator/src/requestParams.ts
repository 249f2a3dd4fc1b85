import type { Request } from "express";

/** The query string as URLSearchParams (first value wins for repeated names, as with `.get`). */
export function queryParams(req: Request): URLSearchParams {
  const at = req.originalUrl.indexOf("?");
  return new URLSearchParams(at === -1 ? "" : req.originalUrl.slice(at + 1));
}

/** A form-urlencoded body (read as text by the app); empty when the body was anything else. */
export function formBody(req: Request): URLSearchParams {
  const body: unknown = req.body;
  return new URLSearchParams(typeof body === "string" ? body : "");
}
