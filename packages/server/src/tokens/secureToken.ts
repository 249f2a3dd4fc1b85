import { hash, randomBytes, timingSafeEqual } from "node:crypto";

/** A random token with a readable prefix, e.g. `adsc_cs_…`. */
export function newToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/** Tokens are stored and looked up by hash only, so a database dump reveals none. */
export function hashToken(token: string): string {
  return hash("sha256", token, "hex");
}

/** SHA-256 in one call (no Hash object per call: the secret key is checked on every API request). */
const sha256 = (text: string): Buffer => hash("sha256", text, "buffer");

/** Constant-time equality of two secrets of any length (compares their digests). */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}
