import { scrub, scrubText } from "../logger.js";

/** A JWT (Entra's access and id tokens) or a bearer credential, wherever it appears. */
const JWT = /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const BEARER = /\bBearer\s+\S+/gi;

/**
 * Text as the operation log stores it: the log's scrubbing rules (secret URL parameters,
 * Microsoft's descriptions reduced to their AADSTS number, emails), and tokens removed too.
 */
export function scrubOperationText(text: string): string {
  return scrubText(text).replace(JWT, "[TOKEN]").replace(BEARER, "Bearer [REDACTED]");
}

/** An operation's or a message's meta: personal fields replaced, text scrubbed (the log's rules). */
export function scrubOperationMeta(meta: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(scrub(meta), (_key, value: unknown) => (typeof value === "string" ? scrubOperationText(value) : value))) as Record<
    string,
    unknown
  >;
}
