import { type Kysely, type Migration, sql } from "kysely";

/**
 * 0023_connection_leftovers: rows that deleted connections left behind before their deletion took
 * them along (their ad accounts, refresh leases and the holds of their own proxy calls).
 */
export const connectionLeftoversMigration = (): Record<string, Migration> => ({
  "0023_connection_leftovers": {
    async up(db: Kysely<unknown>) {
      // Same statements on both databases; `user:` is the prefix of a connection's own hold (proxyHoldStore.ts).
      const gone = (column: string) => sql.raw(`not exists (select 1 from connections c where c.connection_id = ${column})`);
      await sql`delete from ad_accounts where ${gone("ad_accounts.connection_id")}`.execute(db);
      await sql`delete from refresh_leases where ${gone("refresh_leases.connection_id")}`.execute(db);
      await sql`delete from proxy_holds where customer_key like 'user:%' and ${gone("substr(proxy_holds.customer_key, 6)")}`.execute(db);
    },
  },
});
