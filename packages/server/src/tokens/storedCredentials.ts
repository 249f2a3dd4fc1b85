import type { ConnectionRow } from "../store/connectionStore.js";
import type { TokenCipher } from "./tokenCipher.js";

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

export async function decryptCredentials(cipher: TokenCipher, row: Pick<ConnectionRow, "connection_id" | "credentials_enc">): Promise<StoredCredentials> {
  return JSON.parse(await cipher.decrypt(row.credentials_enc, context(row.connection_id))) as StoredCredentials;
}
