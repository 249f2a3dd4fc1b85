import { sql } from "kysely";
import type { Db } from "./db.js";

export interface StoredKeyUse {
  fingerprint: string;
  requests: number;
  lastUsedAt: number;
}

/** Requests per API secret key (by fingerprint), summed over every instance (integration status). */
export class SecretKeyUseStore {
  constructor(private readonly db: Db) {}

  /** Adds uses counted by one instance; `last_used_at` only moves forward. */
  async add(uses: readonly StoredKeyUse[]): Promise<void> {
    if (uses.length === 0) return;
    await this.db
      .insertInto("secret_key_uses")
      .values(uses.map((u) => ({ fingerprint: u.fingerprint, requests: u.requests, last_used_at: u.lastUsedAt })))
      .onConflict((oc) =>
        oc.column("fingerprint").doUpdateSet({
          requests: sql<number>`secret_key_uses.requests + excluded.requests`,
          last_used_at: sql<number>`case when excluded.last_used_at > secret_key_uses.last_used_at then excluded.last_used_at else secret_key_uses.last_used_at end`,
        }),
      )
      .execute();
  }

  async list(fingerprints: readonly string[]): Promise<StoredKeyUse[]> {
    if (fingerprints.length === 0) return [];
    const rows = await this.db
      .selectFrom("secret_key_uses")
      .select(["fingerprint", "requests", "last_used_at"])
      .where("fingerprint", "in", fingerprints)
      .execute();
    return rows.map((r) => ({ fingerprint: r.fingerprint, requests: Number(r.requests), lastUsedAt: Number(r.last_used_at) }));
  }
}
