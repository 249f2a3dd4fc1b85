import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyFingerprint, SecretKeys } from "./secretKeys.js";

const A = "a-secret-key-a-secret-key-a-secret-key";
const B = "b-secret-key-b-secret-key";

describe("SecretKeys", () => {
  it("matches each configured key by its index, anything else (a prefix, a longer string, empty) not", () => {
    const keys = new SecretKeys([A, B]);
    expect([keys.match(A), keys.match(B)]).toEqual([0, 1]);
    for (const other of ["", A.slice(0, -1), `${B}x`, A.toUpperCase()]) expect(keys.match(other)).toBe(-1);
  });

  it("counts a use of the key that verified (with when), none for a match alone or a wrong key; fingerprints only", () => {
    let now = 1_000;
    const keys = new SecretKeys([A, B], () => now);
    expect(keys.verify(B)).toBe(true);
    now = 2_000;
    expect(keys.verify(B)).toBe(true);
    expect(keys.verify("wrong")).toBe(false);
    keys.match(A);
    expect(keys.usage()).toEqual([
      { fingerprint: keyFingerprint(A), requests: 0, lastUsedAt: null },
      { fingerprint: keyFingerprint(B), requests: 2, lastUsedAt: 2_000 },
    ]);
    expect(keyFingerprint(A)).toBe(createHash("sha256").update(A).digest("hex").slice(0, 8));
    expect(keys.countedSince).toBe(1_000);
  });
});
