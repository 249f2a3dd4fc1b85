import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { TokenCipher } from "./tokenCipher.js";

const key = (id: string) => ({ id, key: new Uint8Array(randomBytes(32)) });

describe("TokenCipher", () => {
  it("round-trips and never stores the plaintext", async () => {
    const cipher = new TokenCipher([key("k1")]);
    const stored = await cipher.encrypt("super-secret-refresh-token", "connection:abc");
    expect(stored).not.toContain("super-secret");
    expect(TokenCipher.keyId(stored)).toBe("k1");
    expect(await cipher.decrypt(stored, "connection:abc")).toBe("super-secret-refresh-token");
  });

  it("refuses a ciphertext moved to another context", async () => {
    const cipher = new TokenCipher([key("k1")]);
    const stored = await cipher.encrypt("token", "connection:a");
    await expect(cipher.decrypt(stored, "connection:b")).rejects.toThrow();
  });

  it("decrypts with an older key after rotation and encrypts with the new one", async () => {
    const old = key("old");
    const stored = await new TokenCipher([old]).encrypt("token", "ctx");
    const rotated = new TokenCipher([key("new"), old]);
    expect(await rotated.decrypt(stored, "ctx")).toBe("token");
    expect(TokenCipher.keyId(await rotated.encrypt("token", "ctx"))).toBe("new");
    await expect(new TokenCipher([key("new")]).decrypt(stored, "ctx")).rejects.toThrow(/No encryption key/);
  });
});
