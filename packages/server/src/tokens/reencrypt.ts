import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config.js";
import { AppError } from "../errors.js";
import { ConnectionStore } from "../store/connectionStore.js";
import { createDatabase } from "../store/createDatabase.js";
import { encryptionKeyUsage, storedKeyId } from "./keyUsage.js";
import { decryptCredentials, encryptCredentials } from "./storedCredentials.js";
import { TokenCipher } from "./tokenCipher.js";

export interface ReencryptCounts {
  /** Connections whose credentials were re-encrypted with the current key. */
  reencrypted: number;
  /** Connections already on the current key. */
  alreadyCurrent: number;
  /** Connections that could not be read, by the key id their credentials name. */
  unreadable: Map<string | null, number>;
}

const PAGE = 200;
const TRIES = 3;

/**
 * Re-encrypts every connection's credentials with the current (first) key, so older keys can be
 * retired. Idempotent; safe while servers run: each write is guarded by the row version, and a
 * row a refresh rewrote meanwhile is read again (a refresh encrypts with the current key anyway).
 * The content does not change, so the version does not either.
 */
export async function reencryptAll(store: ConnectionStore, cipher: TokenCipher): Promise<ReencryptCounts> {
  const counts: ReencryptCounts = { reencrypted: 0, alreadyCurrent: 0, unreadable: new Map() };
  for (let after = -1; ; ) {
    const page = await store.idsPage(after, PAGE);
    for (const { connection_id } of page) {
      for (let attempt = 1; attempt <= TRIES; attempt++) {
        const row = await store.findByConnectionId(connection_id);
        if (!row) break;
        const keyId = storedKeyId(row.credentials_enc);
        if (keyId === cipher.currentKeyId) {
          counts.alreadyCurrent++;
          break;
        }
        let credentials;
        try {
          credentials = await decryptCredentials(cipher, row);
        } catch (err) {
          if (!(err instanceof AppError) || err.code !== "credentials_unreadable") throw err;
          counts.unreadable.set(keyId, (counts.unreadable.get(keyId) ?? 0) + 1);
          break;
        }
        const credentials_enc = await encryptCredentials(cipher, row.connection_id, credentials);
        if (await store.updateVersioned(row.connection_id, { expected: row.version, bump: false }, { credentials_enc })) {
          counts.reencrypted++;
          break;
        }
        if (attempt === TRIES) throw new Error(`Connection ${row.connection_id} kept changing while it was re-encrypted; run the command again.`);
      }
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.id;
  }
  return counts;
}

const USAGE = `Usage: ads-connect reencrypt

Re-encrypts every stored connection's tokens with the first key in ENCRYPTION_KEYS, so the keys
after it can be removed. Reads the same environment as the server; safe to run while it runs, and
again. Exit code 0 when every connection now uses the first key, 1 otherwise, 2 for bad arguments.`;

const connections = (n: number) => `${n} connection${n === 1 ? "" : "s"}`;

/** `ads-connect reencrypt`: returns the exit code. Prints counts and key ids only, never a token. */
export async function reencryptCli(args: string[], env: Record<string, string | undefined>, out: (text: string) => void): Promise<number> {
  try {
    const { values } = parseArgs({ args, options: { help: { type: "boolean", short: "h" } }, strict: true });
    if (values.help) {
      out(`${USAGE}\n`);
      return 0;
    }
  } catch (err) {
    out(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    out(`${err.message}\n`);
    return 1;
  }
  const cipher = new TokenCipher(config.encryptionKeys);
  const db = await createDatabase(config.databaseFile);
  try {
    const store = new ConnectionStore(db);
    const counts = await reencryptAll(store, cipher);
    const current = cipher.currentKeyId;
    const lines = [`Re-encrypted ${connections(counts.reencrypted)} with key "${current}"; ${counts.alreadyCurrent} already used it.`];
    const unreadable = [...counts.unreadable].reduce((n, [, c]) => n + c, 0);
    if (unreadable > 0) {
      const keys = [...counts.unreadable].map(([id, n]) => `key ${id === null ? "(none)" : `"${id}"`} (${n})`).join(", ");
      lines.push(
        `${connections(unreadable)} could not be read: ${keys} is not configured, or its value changed. Add the key to ENCRYPTION_KEYS (after "${current}") and run this again.`,
      );
    }
    const usage = await encryptionKeyUsage(store, cipher.keyIds);
    lines.push(
      `Keys in use now: ${
        usage
          .filter((u) => u.connections > 0)
          .map((u) => `${u.key_id ?? "(none)"} (${connections(u.connections)})`)
          .join(", ") || "none"
      }.`,
    );
    out(`${lines.join("\n")}\n`);
    return unreadable > 0 ? 1 : 0;
  } finally {
    await db.destroy();
  }
}
