import { decodeProtectedHeader, FlattenedEncrypt, type FlattenedJWE, flattenedDecrypt } from "jose";
import type { EncryptionKey } from "../config.js";

/**
 * A stored secret this process cannot open: its key is not configured, or the key does not fit.
 * Not an AppError: a low-level signal that tokens/storedCredentials.ts turns into `credentials_unreadable`;
 * anywhere else it is a bug in our own data (a 500).
 */
export class UnreadableSecretError extends Error {
  override name = "UnreadableSecretError";
  constructor(
    /** The key id the secret names (null when it names none). */
    readonly keyId: string | null,
    readonly reason: "key_not_configured" | "decryption_failed",
    options: { cause?: unknown } = {},
  ) {
    super(
      reason === "key_not_configured"
        ? `No encryption key with id "${String(keyId)}" is configured`
        : `The stored value does not decrypt with the configured key "${String(keyId)}"`,
      options,
    );
  }
}

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

  /** Throws UnreadableSecretError when the value's key is not configured or does not open it. */
  async decrypt(stored: string, context: string): Promise<string> {
    const jwe = JSON.parse(stored) as FlattenedJWE;
    const { kid } = decodeProtectedHeader(jwe);
    const keyId = typeof kid === "string" ? kid : null;
    const key = keyId === null ? undefined : this.#keys.get(keyId);
    if (!key) throw new UnreadableSecretError(keyId, "key_not_configured");
    const aad = Buffer.from(context).toString("base64url");
    try {
      const { plaintext } = await flattenedDecrypt({ ...jwe, aad }, key);
      return new TextDecoder().decode(plaintext);
    } catch (err) {
      throw new UnreadableSecretError(keyId, "decryption_failed", { cause: err });
    }
  }

  /** The key new values are encrypted with (the first configured). */
  get currentKeyId(): string {
    return this.#current.id;
  }

  /** Every configured key id, the current one first. */
  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /** Key id a stored value was encrypted with (for rotation reports). */
  static keyId(stored: string): string | null {
    const { kid } = decodeProtectedHeader(JSON.parse(stored) as FlattenedJWE);
    return typeof kid === "string" ? kid : null;
  }
}
