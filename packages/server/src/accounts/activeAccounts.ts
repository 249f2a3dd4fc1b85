import { AdAccountSchema, type AdAccount } from "@ads-connect/shared";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";

/** The connection's accounts that still exist (not marked deleted), in Microsoft's order. */
export async function listActiveAccounts(db: Kysely<Database>, connectionId: string): Promise<AdAccount[]> {
  const rows = await db
    .selectFrom("ad_accounts")
    .select("data")
    .where("connection_id", "=", connectionId)
    .where("deleted_at", "is", null)
    .orderBy("position")
    .execute();
  return rows.map((row) => AdAccountSchema.parse(JSON.parse(row.data)));
}
