import type { Selectable } from "kysely";
import { connectionIdInResult } from "./connectSessionStore.js";
import type { Db } from "./db.js";
import { containsExactly } from "./like.js";
import type { ConnectRedirectTable } from "./schema.js";

export type ConnectRedirectRow = Selectable<ConnectRedirectTable>;

/** Redirect-mode sign-ins (table `connect_redirects`): the return URL, then the result until redeemed. */
export class ConnectRedirectStore {
  constructor(private readonly db: Db) {}

  async insert(row: ConnectRedirectRow): Promise<void> {
    await this.db.insertInto("connect_redirects").values(row).execute();
  }

  /**
   * Single use: the browser's redirect still waiting for its result (not expired at `now`) gets it
   * and the hash of the token that redeems it; true for that caller only.
   */
  async recordResult(bindingHash: string, now: number, result: string, tokenHash: string): Promise<ConnectRedirectRow | undefined> {
    const row = await this.db
      .selectFrom("connect_redirects")
      .selectAll()
      .where("binding_hash", "=", bindingHash)
      .where("result", "is", null)
      .where("expires_at", ">", now)
      .executeTakeFirst();
    if (!row) return undefined;
    const updated = await this.db
      .updateTable("connect_redirects")
      .set({ result, result_token_hash: tokenHash })
      .where("id", "=", row.id)
      .where("result", "is", null)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1 ? row : undefined;
  }

  /** Single use: the result for this token and page origin, marked redeemed; undefined when unknown, used or expired. */
  async redeem(tokenHash: string, origin: string, now: number): Promise<ConnectRedirectRow | undefined> {
    const row = await this.db
      .selectFrom("connect_redirects")
      .selectAll()
      .where("result_token_hash", "=", tokenHash)
      .where("origin", "=", origin)
      .where("redeemed_at", "is", null)
      .where("expires_at", ">", now)
      .executeTakeFirst();
    if (!row) return undefined;
    const claimed = await this.db
      .updateTable("connect_redirects")
      .set({ redeemed_at: now })
      .where("id", "=", row.id)
      .where("redeemed_at", "is", null)
      .executeTakeFirst();
    return Number(claimed.numUpdatedRows) === 1 ? row : undefined;
  }

  /** A deleted connection's redirect results (not yet redeemed, or redeemed and kept until expiry) become `marker`. */
  async scrubConnection(connectionId: string, marker: string): Promise<void> {
    await this.db
      .updateTable("connect_redirects")
      .set({ result: marker })
      .where(containsExactly("result", connectionIdInResult(connectionId)))
      .execute();
  }
}
