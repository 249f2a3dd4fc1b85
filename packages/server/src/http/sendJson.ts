import type { IncomingMessage, ServerResponse } from "node:http";
import type { Response } from "express";

/**
 * JSON written as Express's `res.status(status).json(body)` writes it (the same Content-Type and
 * Content-Length after the headers already set), without `res.send`'s per-response work, so a
 * request answered ahead of Express gets the same bytes. HEAD and conditional requests go through
 * `res.json` itself, which knows their answers (no body; a 304 for `If-None-Match: *`): only
 * requests Express has seen get here with those.
 */
export function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  const headers = req.headers;
  if (req.method !== "GET" || headers["if-none-match"] !== undefined || headers["if-modified-since"] !== undefined) {
    (res as Response).status(status).json(body);
    return;
  }
  // Written as a string: Node sends it in one write with the header block (a Buffer would be
  // allocated, encoded, and sent as a second chunk beside the header).
  const json = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(json, "utf8"));
  res.end(json, "utf8");
}
