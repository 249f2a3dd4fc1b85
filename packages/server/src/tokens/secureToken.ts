import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A random token with a readable prefix, e.g. `adsc_cs_…`. */
export function newToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/** Tokens are stored and looked up by hash only, so a database dump reveals none. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Constant-time equality of two secrets of any length (compares their digests). */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

/**
 * `secretsEqual(candidate, secret)` for a secret known in advance (the server's secret key): its
 * digest is computed once, the candidate's on each call; still a constant-time comparison.
 */
export function secretMatcher(secret: string): (candidate: string) => boolean {
  const expected = createHash("sha256").update(secret).digest();
  return (candidate) => timingSafeEqual(createHash("sha256").update(candidate).digest(), expected);
}
