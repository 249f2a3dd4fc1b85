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

  it("counts a use of the key that verified (with when), none for a match alone or a wrong key; hands the counts over once, takes them back", () => {
    let now = 1_000;
    const keys = new SecretKeys([A, B], () => now);
    expect(keys.verify(B)).toBe(true);
    now = 2_000;
    expect(keys.verify(B)).toBe(true);
    expect(keys.verify("wrong")).toBe(false);
    keys.match(A);
    const taken = keys.takePending();
    expect(taken).toEqual([{ fingerprint: keyFingerprint(B), requests: 2, lastUsedAt: 2_000 }]);
    expect(keys.takePending()).toEqual([]);
    expect(keys.fingerprints).toEqual([keyFingerprint(A), keyFingerprint(B)]);
    expect(keyFingerprint(A)).toBe(createHash("sha256").update(A).digest("hex").slice(0, 8));
    // A failed write gives them back, added to what came since.
    now = 3_000;
    keys.verify(B);
    keys.verify(A);
    keys.restore(taken);
    expect(keys.takePending()).toEqual([
      { fingerprint: keyFingerprint(A), requests: 1, lastUsedAt: 3_000 },
      { fingerprint: keyFingerprint(B), requests: 3, lastUsedAt: 3_000 },
    ]);
  });
});
