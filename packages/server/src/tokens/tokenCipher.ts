import { FlattenedEncrypt, decodeProtectedHeader, flattenedDecrypt, type FlattenedJWE } from "jose";
import type { EncryptionKey } from "../config.js";

/**
 * Encrypts secrets at rest as JWE (dir + A256GCM). The key id travels in the protected header so
 * keys can rotate: the first configured key encrypts, any configured key decrypts. The `context`
 * is bound as additional authenticated data, so a ciphertext copied to another row fails to open.
 */
export class TokenCipher {
  readonly #keys: Map<string, Uint8Array>;
  readonly #current: EncryptionKey;

  constructor(keys: EncryptionKey[]) {
    if (keys.length === 0) throw new Error("TokenCipher needs at least one key");
    this.#current = keys[0]!;
    this.#keys = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encrypt(plaintext: string, context: string): Promise<string> {
    const jwe = await new FlattenedEncrypt(new TextEncoder().encode(plaintext))
      .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid: this.#current.id })
      .setAdditionalAuthenticatedData(new TextEncoder().encode(context))
      .encrypt(this.#current.key);
    const { aad: _bound, ...stored } = jwe;
    return JSON.stringify(stored);
  }

  async decrypt(stored: string, context: string): Promise<string> {
    const jwe = JSON.parse(stored) as FlattenedJWE;
    const { kid } = decodeProtectedHeader(jwe);
    const key = typeof kid === "string" ? this.#keys.get(kid) : undefined;
    if (!key) throw new Error(`No encryption key with id "${String(kid)}" is configured`);
    const aad = Buffer.from(context).toString("base64url");
    const { plaintext } = await flattenedDecrypt({ ...jwe, aad }, key);
    return new TextDecoder().decode(plaintext);
  }

  /** Key id a stored value was encrypted with (for rotation reports). */
  static keyId(stored: string): string | null {
    const { kid } = decodeProtectedHeader(JSON.parse(stored) as FlattenedJWE);
    return typeof kid === "string" ? kid : null;
  }
}
