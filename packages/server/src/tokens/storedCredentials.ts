import { AppError } from "../errors.js";
import type { ConnectionRow } from "../store/connectionStore.js";
import { type TokenCipher, UnreadableSecretError } from "./tokenCipher.js";

/** What is encrypted at rest for a connection (one ciphertext, so tokens change together). */
export interface StoredCredentials {
  access_token: string;
  refresh_token: string;
  id_token: string | null;
  token_type: string;
  scope: string;
  expires_at: number;
}

// Bound to the connection: a ciphertext copied onto another connection does not decrypt.
const context = (connectionId: string) => `connection:${connectionId}`;

export async function encryptCredentials(cipher: TokenCipher, connectionId: string, credentials: StoredCredentials): Promise<string> {
  return cipher.encrypt(JSON.stringify(credentials), context(connectionId));
}

/** Throws AppError `credentials_unreadable` (409) naming the key when the row cannot be opened. */
export async function decryptCredentials(cipher: TokenCipher, row: Pick<ConnectionRow, "connection_id" | "credentials_enc">): Promise<StoredCredentials> {
  try {
    return JSON.parse(await cipher.decrypt(row.credentials_enc, context(row.connection_id))) as StoredCredentials;
  } catch (err) {
    if (!(err instanceof UnreadableSecretError)) throw err;
    const why =
      err.reason === "key_not_configured"
        ? `were encrypted with the key "${String(err.keyId)}", which is not in ENCRYPTION_KEYS. Add that key back (after the current one) and run \`ads-connect reencrypt\` before retiring it`
        : `do not decrypt with the configured key "${String(err.keyId)}" (the key's value changed under the same id). Restore the key's original value`;
    throw new AppError("credentials_unreadable", `The stored credentials of connection ${row.connection_id} ${why}.`, 409, { cause: err });
  }
}
