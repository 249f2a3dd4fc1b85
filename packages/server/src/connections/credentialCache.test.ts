import { expect, it } from "vitest";
import type { StoredCredentials } from "../tokens/storedCredentials.js";
import { CredentialCache } from "./credentialCache.js";

const creds = (access_token: string): StoredCredentials => ({
  access_token,
  refresh_token: "r",
  id_token: null,
  token_type: "Bearer",
  scope: "s",
  expires_at: 0,
});
const row = (connection_id: string, version = 1, credentials_enc = `enc-${connection_id}-${version}`) => ({ connection_id, version, credentials_enc });

it("serves an entry only for the same row version and ciphertext, and drops it otherwise", () => {
  const cache = new CredentialCache({ maxEntries: 10, ttlMs: 60_000 });
  cache.set(row("a"), creds("t1"));
  expect(cache.get(row("a"))?.access_token).toBe("t1");
  expect(cache.get(row("a", 2))).toBeUndefined();
  // Dropped: even the old version is not served again.
  expect(cache.get(row("a"))).toBeUndefined();
  cache.set(row("a"), creds("t1"));
  expect(cache.get(row("a", 1, "re-encrypted"))).toBeUndefined();
});

it("expires entries after the TTL and keeps at most maxEntries, least recently used out first", () => {
  let now = 0;
  const cache = new CredentialCache({ maxEntries: 2, ttlMs: 1000, now: () => now });
  cache.set(row("a"), creds("a"));
  cache.set(row("b"), creds("b"));
  cache.get(row("a"));
  cache.set(row("c"), creds("c"));
  expect(cache.size).toBe(2);
  expect(cache.get(row("b"))).toBeUndefined();
  expect(cache.get(row("a"))?.access_token).toBe("a");
  now = 1000;
  expect(cache.get(row("a"))).toBeUndefined();
});
