import { createHash, timingSafeEqual } from "node:crypto";

/** RFC 7636: S256 compares base64url(sha256(verifier)) with the challenge; plain compares them as they are. */
export function verifyPkce(challenge: string, method: "S256" | "plain", verifier: string): boolean {
  const expected = method === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
  return sameString(expected, challenge);
}

export function sameString(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
