import { ADS_FAULTS, AdsFault } from "./adsFaults.js";

/** A JSON object body (absent means `{}`); anything else is a 100 ApiFault. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body)) throw new AdsFault(ADS_FAULTS[100], "ApiFault", "The request body must be a JSON object.");
  return body as Record<string, unknown>;
}
