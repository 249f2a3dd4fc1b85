import { AppError } from "../errors.js";

/** Records' cursors are opaque to clients (Nango's are too): the record's sequence number, encoded. */
export function encodeRecordCursor(cursor: number): string {
  return Buffer.from(`adsc:${cursor}`).toString("base64url");
}

/** A cursor this server returned, back to its sequence number; anything else is a 400. */
export function decodeRecordCursor(value: string): number {
  const match = /^adsc:(\d{1,15})$/.exec(Buffer.from(value, "base64url").toString("utf8"));
  if (!match)
    throw new AppError(
      "invalid_query",
      "Invalid request query. cursor: not a cursor this server returned (pass next_cursor or a record's _nango_metadata.cursor as is)",
      400,
      { details: [{ path: "cursor", message: "not a valid cursor" }] },
    );
  return Number(match[1]);
}
