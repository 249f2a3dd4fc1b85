import { randomBytes } from "node:crypto";

/** An opaque, high-entropy string (codes, tokens, ids), base64url after an Entra-like prefix. */
export function randomToken(prefix = "", bytes = 32): string {
  return prefix + randomBytes(bytes).toString("base64url");
}
