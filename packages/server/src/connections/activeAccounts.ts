import { AdAccountSchema, type AdAccount } from "@ads-connect/shared";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../store/schema.js";

/**
 * The connection's ad accounts that still exist at Microsoft (not marked deleted), in Microsoft's
 * `Accounts/Search` order, each validated with the shared schema.
 */
export async function listActiveAccounts(db: Kysely<Database> | Transaction<Database>, connectionId: string): Promise<AdAccount[]> {
  const rows = await db
    .selectFrom("ad_accounts")
    .select("data")
    .where("connection_id", "=", connectionId)
    .where("deleted_at", "is", null)
    .orderBy("position")
    .orderBy("account_id")
    .execute();
  return rows.map((row) => AdAccountSchema.parse(JSON.parse(row.data)));
}
