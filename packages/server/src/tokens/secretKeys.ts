import { hash, timingSafeEqual } from "node:crypto";
import { type Clock, systemClock } from "../util/clock.js";

/** One key's use not yet written to the database (never the key: its fingerprint). */
export interface SecretKeyUse {
  /** First 8 hex characters of the key's SHA-256 (`printf %s "$KEY" | sha256sum | cut -c1-8`). */
  fingerprint: string;
  requests: number;
  /** Epoch ms of the last of those requests. */
  lastUsedAt: number;
}

/** A short, non-secret label of a key: the first 8 hex characters of its SHA-256. */
export function keyFingerprint(key: string): string {
  return hash("sha256", key, "hex").slice(0, 8);
}

/**
 * The server's valid secret keys (ADS_CONNECT_SECRET_KEY and ADS_CONNECT_SECRET_KEYS: several at
 * once while the product backend moves to a new one) and their use. Every check goes through
 * `match`: the candidate's SHA-256 compared with each key's in constant time, every key compared
 * whichever matches, so timing tells neither whether nor which key matched.
 *
 * A valid request's use is counted in memory (an increment on the hot token read, never a database
 * write per request); `takePending` hands the counts to the periodic writer (integration/keyUseRecorder.ts).
 */
export class SecretKeys {
  private readonly digests: Buffer[];
  readonly fingerprints: readonly string[];
  private pending: { requests: number; lastUsedAt: number }[];

  constructor(
    keys: readonly string[],
    private readonly now: Clock = systemClock,
  ) {
    if (keys.length === 0) throw new Error("SecretKeys needs at least one key");
    this.digests = keys.map((k) => hash("sha256", k, "buffer"));
    this.fingerprints = keys.map(keyFingerprint);
    this.pending = keys.map(() => ({ requests: 0, lastUsedAt: 0 }));
  }

  /** The index of the configured key `candidate` is, or -1; constant time over all keys. */
  match(candidate: string): number {
    const digest = hash("sha256", candidate, "buffer");
    let found = -1;
    for (let i = 0; i < this.digests.length; i++) {
      // No early exit: every key is compared.
      if (timingSafeEqual(digest, this.digests[i]!)) found = i;
    }
    return found;
  }

  /** Whether `candidate` is a valid key; counts its use when it is. */
  verify(candidate: string): boolean {
    const index = this.match(candidate);
    if (index < 0) return false;
    this.use(index);
    return true;
  }

  /** Counts a use of the key at `index` (what `match` returned), for a caller that matched it already. */
  use(index: number): void {
    const use = this.pending[index]!;
    use.requests++;
    use.lastUsedAt = this.now();
  }

  /** The uses counted since the last call (keys used at least once), and starts counting afresh. */
  takePending(): SecretKeyUse[] {
    const taken = this.pending;
    this.pending = taken.map(() => ({ requests: 0, lastUsedAt: 0 }));
    return taken.flatMap((use, i) => (use.requests > 0 ? [{ fingerprint: this.fingerprints[i]!, ...use }] : []));
  }

  /** Gives uses back (their write failed): counted again with the next `takePending`. */
  restore(uses: readonly SecretKeyUse[]): void {
    for (const use of uses) {
      const mine = this.pending[this.fingerprints.indexOf(use.fingerprint)];
      if (!mine) continue;
      mine.requests += use.requests;
      mine.lastUsedAt = Math.max(mine.lastUsedAt, use.lastUsedAt);
    }
  }
}
