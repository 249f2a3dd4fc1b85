import type { ConnectionStore } from "../store/connectionStore.js";
import { TokenCipher } from "./tokenCipher.js";

export interface KeyUsage {
  /** Null for a value that names no key (unreadable in any case). */
  key_id: string | null;
  configured: boolean;
  connections: number;
}

const PAGE = 500;

/** The key id a stored value names, or null when it is not a value this server wrote. */
export function storedKeyId(stored: string): string | null {
  try {
    return TokenCipher.keyId(stored);
  } catch {
    return null;
  }
}

/**
 * How many connections' credentials each key encrypted: every configured key (in the configured
 * order, the current one first, zero when unused), then any key rows name that is not configured.
 * Reads only the key id in each value's header; nothing is decrypted.
 */
export async function encryptionKeyUsage(store: Pick<ConnectionStore, "credentialsPage">, configuredKeyIds: readonly string[]): Promise<KeyUsage[]> {
  const counts = new Map<string | null, number>(configuredKeyIds.map((id) => [id, 0]));
  for (let after = -1; ; ) {
    const rows = await store.credentialsPage(after, PAGE);
    for (const row of rows) {
      const id = storedKeyId(row.credentials_enc);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    if (rows.length < PAGE) break;
    after = rows.at(-1)!.id;
  }
  return [...counts].map(([key_id, connections]) => ({ key_id, configured: key_id !== null && configuredKeyIds.includes(key_id), connections }));
}

/** One finding about the keys, for the status API and the doctor. */
export interface KeyUsageFinding {
  level: "warn" | "error";
  message: string;
}

const connections = (n: number) => `${n} connection${n === 1 ? "" : "s"}`;

/** What an operator should do about the keys: rows on a retired key, rows on an old key, unused keys. */
export function keyUsageFindings(usage: readonly KeyUsage[], currentKeyId: string): KeyUsageFinding[] {
  const findings: KeyUsageFinding[] = [];
  for (const u of usage) {
    const name = u.key_id === null ? "no key id" : `"${u.key_id}"`;
    if (!u.configured && u.connections > 0) {
      findings.push({
        level: "error",
        message: `${connections(u.connections)} use ${name}, which is not in ENCRYPTION_KEYS: their tokens cannot be read. Add the key back (after "${currentKeyId}") and run ads-connect reencrypt.`,
      });
    } else if (u.configured && u.key_id !== currentKeyId && u.connections > 0) {
      findings.push({
        level: "warn",
        message: `${connections(u.connections)} use ${name}, not the current key "${currentKeyId}": run ads-connect reencrypt before removing ${name}.`,
      });
    } else if (u.configured && u.key_id !== currentKeyId) {
      findings.push({
        level: "warn",
        message: `${name} is configured but no connection uses it: it can be removed from ENCRYPTION_KEYS (wait OAUTH_ATTEMPT_TTL_SECONDS after the last restart so sign-ins in progress finish).`,
      });
    }
  }
  return findings;
}
