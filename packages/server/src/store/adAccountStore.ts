import { type AdAccount, AdAccountSchema } from "@ads-connect/shared";
import type { Insertable, Selectable, Updateable } from "kysely";
import type { Db } from "./db.js";
import type { AdAccountTable } from "./schema.js";

export type AdAccountRow = Selectable<AdAccountTable>;
export type NewAdAccountRow = Insertable<AdAccountTable>;
export type AdAccountAction = AdAccountTable["last_action"];

/** A discovery may add thousands: a few multi-row inserts, not one round trip each. */
const INSERT_BATCH = 500;

/** The account number's indexed copy (0015_operator_console, the console's search) from the JSON `data`. */
function withAccountNumber<T extends Updateable<AdAccountTable>>(row: T): T {
  if (row.data === undefined) return row;
  let number: unknown = null;
  try {
    number = (JSON.parse(row.data) as { number?: unknown }).number;
  } catch {
    // Not JSON: no number to search by.
  }
  return { ...row, account_number: typeof number === "string" ? number : null };
}

/** The connections' Microsoft Advertising accounts (table `ad_accounts`), deleted ones kept with `deleted_at`. */
export class AdAccountStore {
  constructor(private readonly db: Db) {}

  /**
   * The active accounts (not marked deleted) of each connection, in one query, each list in
   * Microsoft's `Accounts/Search` order (`position`, then account id should two ever tie), each
   * validated with the shared schema. Every connection asked for is in the map.
   */
  async activeByConnection(connectionIds: readonly string[]): Promise<Map<string, AdAccount[]>> {
    const byConnection = new Map<string, AdAccount[]>(connectionIds.map((id) => [id, []]));
    if (connectionIds.length === 0) return byConnection;
    const rows = await this.db
      .selectFrom("ad_accounts")
      .select(["connection_id", "data"])
      .where("connection_id", "in", connectionIds)
      .where("deleted_at", "is", null)
      .orderBy("connection_id")
      .orderBy("position")
      .orderBy("account_id")
      .execute();
    for (const row of rows) byConnection.get(row.connection_id)?.push(AdAccountSchema.parse(JSON.parse(row.data)));
    return byConnection;
  }

  /** One connection's active accounts (see activeByConnection). */
  async active(connectionId: string): Promise<AdAccount[]> {
    return (await this.activeByConnection([connectionId])).get(connectionId)!;
  }

  /** Every stored account of the connection, deleted ones included. */
  async listForConnection(connectionId: string): Promise<AdAccountRow[]> {
    return this.db.selectFrom("ad_accounts").selectAll().where("connection_id", "=", connectionId).execute();
  }

  /** The connection's highest record cursor (0 with none). */
  async maxCursor(connectionId: string): Promise<number> {
    const max = await this.db
      .selectFrom("ad_accounts")
      .select((eb) => eb.fn.max("cursor").as("max"))
      .where("connection_id", "=", connectionId)
      .executeTakeFirst();
    return Number(max?.max ?? 0);
  }

  /** Drops every account of the connection (its deletion; there is no foreign key to cascade). */
  async deleteForConnection(connectionId: string): Promise<number> {
    const result = await this.db.deleteFrom("ad_accounts").where("connection_id", "=", connectionId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async insertMany(rows: readonly NewAdAccountRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_BATCH)
      await this.db
        .insertInto("ad_accounts")
        .values(rows.slice(i, i + INSERT_BATCH).map(withAccountNumber))
        .execute();
  }

  async update(connectionId: string, accountId: string, changes: Updateable<AdAccountTable>): Promise<void> {
    await this.db
      .updateTable("ad_accounts")
      .set(withAccountNumber(changes))
      .where("connection_id", "=", connectionId)
      .where("account_id", "=", accountId)
      .execute();
  }

  /**
   * The records API's page: the connection's accounts after `after` in cursor order, optionally
   * only those changed since `modifiedAfter`, with one of `actions`, or among `ids`.
   */
  async records(
    connectionId: string,
    filter: { after: number; limit: number; modifiedAfter?: number | undefined; actions?: AdAccountAction[] | null | undefined; ids?: string[] | undefined },
  ): Promise<AdAccountRow[]> {
    return this.db
      .selectFrom("ad_accounts")
      .selectAll()
      .where("connection_id", "=", connectionId)
      .where("cursor", ">", filter.after)
      .$if(filter.modifiedAfter !== undefined, (q) => q.where("last_modified_at", ">=", filter.modifiedAfter!))
      .$if(filter.actions != null, (q) => q.where("last_action", "in", filter.actions!))
      .$if(filter.ids !== undefined && filter.ids.length > 0, (q) => q.where("account_id", "in", filter.ids!))
      .orderBy("cursor")
      .limit(filter.limit)
      .execute();
  }
}
