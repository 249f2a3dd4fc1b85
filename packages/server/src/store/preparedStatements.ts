import { hash } from "node:crypto";
import type pg from "pg";

/** SQL text → statement name, for the few hot statements PostgreSQL keeps prepared. */
const prepared = new Map<string, string>();

/**
 * Marks a compiled query's SQL as one PostgreSQL should keep prepared (a named statement) on each
 * pooled connection: parsed and planned once per connection instead of on every call. For the hot
 * lookups only (token and status reads), whose SQL text never changes. Their column lists must be
 * explicit: a prepared `select *` fails ("cached plan must not change result type") on instances
 * still running when a migration adds a column. Ignored on SQLite (its statements are cached by
 * text anyway, see sqliteDialect.ts).
 */
export function prepareOnPostgres(sql: string): void {
  if (!prepared.has(sql)) prepared.set(sql, `adsc_${hash("sha256", sql, "hex").slice(0, 24)}`);
}

/**
 * Makes a pooled client run the statements marked by `prepareOnPostgres` as named statements (pg
 * parses a name once per connection and reuses it; a new connection parses it again). Kysely
 * passes every query as `(sql, parameters)`; the others go through untouched.
 */
export function usePreparedStatements(client: pg.PoolClient): void {
  const query = client.query;
  client.query = function (this: pg.PoolClient, ...args: unknown[]) {
    const [text, values, callback] = args;
    const name = typeof text === "string" && Array.isArray(values) && callback === undefined ? prepared.get(text) : undefined;
    if (name !== undefined) return (query as (config: pg.QueryConfig) => unknown).call(this, { name, text: text as string, values: values as unknown[] });
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof client.query;
}
