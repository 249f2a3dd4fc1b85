import { hash, timingSafeEqual } from "node:crypto";

/** What integration status shows of one secret key: never the key, only a label and its use. */
export interface SecretKeyUse {
  /** First 8 hex characters of the key's SHA-256 (`printf %s "$KEY" | sha256sum | cut -c1-8`). */
  fingerprint: string;
  requests: number;
  /** Epoch ms of the last request with this key on this instance, or null. */
  lastUsedAt: number | null;
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
 * Use is counted in this instance's memory (an array increment on the hot token read, never a
 * database write per request): each instance reports what it served since it started.
 */
export class SecretKeys {
  private readonly digests: Buffer[];
  private readonly uses: SecretKeyUse[];
  readonly countedSince: number;

  constructor(
    keys: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    if (keys.length === 0) throw new Error("SecretKeys needs at least one key");
    this.digests = keys.map((k) => hash("sha256", k, "buffer"));
    this.uses = keys.map((k) => ({ fingerprint: keyFingerprint(k), requests: 0, lastUsedAt: null }));
    this.countedSince = now();
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
    const use = this.uses[index]!;
    use.requests++;
    use.lastUsedAt = this.now();
    return true;
  }

  /** Each configured key's use on this instance, in configuration order. */
  usage(): SecretKeyUse[] {
    return this.uses.map((u) => ({ ...u }));
  }
}
