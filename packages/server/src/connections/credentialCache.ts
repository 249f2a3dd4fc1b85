import type { StoredCredentials } from "../tokens/storedCredentials.js";
import { type Clock, systemClock } from "../util/clock.js";

/**
 * Decrypted credentials kept in memory for a short while, so a token read does not run a JWE
 * decrypt every time. An entry is used only for the exact row it was decrypted from: the same
 * connection, the same row `version` (bumped by every credential write on any instance) and the
 * very same ciphertext (a re-encrypt, a delete and re-create or any other write changes it). The
 * row is still read from the database on every request, so a write anywhere is seen at once.
 * Bounded (least recently used entries go first) and short-lived (TTL), never logged.
 */
export class CredentialCache {
  private readonly entries = new Map<string, { version: number; ciphertext: string; credentials: StoredCredentials; until: number }>();

  private readonly now: Clock;

  constructor(private readonly options: { maxEntries: number; ttlMs: number; now?: Clock } = { maxEntries: 10_000, ttlMs: 60_000 }) {
    this.now = options.now ?? systemClock;
  }

  /** The credentials decrypted from this row before, or undefined (then decrypt and `set`). */
  get(row: { connection_id: string; version: number; credentials_enc: string }): StoredCredentials | undefined {
    const entry = this.entries.get(row.connection_id);
    if (!entry) return undefined;
    if (entry.version !== row.version || entry.ciphertext !== row.credentials_enc || entry.until <= this.now()) {
      this.entries.delete(row.connection_id);
      return undefined;
    }
    // Most recently used last.
    this.entries.delete(row.connection_id);
    this.entries.set(row.connection_id, entry);
    return entry.credentials;
  }

  set(row: { connection_id: string; version: number; credentials_enc: string }, credentials: StoredCredentials): void {
    if (this.options.maxEntries <= 0) return;
    this.entries.delete(row.connection_id);
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.entries.set(row.connection_id, { version: row.version, ciphertext: row.credentials_enc, credentials, until: this.now() + this.options.ttlMs });
  }

  get size(): number {
    return this.entries.size;
  }
}
