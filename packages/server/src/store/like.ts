import { type RawBuilder, type SqlBool, sql } from "kysely";

/** `\`, `%` and `_` taken literally in a LIKE pattern written with `ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * `column LIKE '%text%' ESCAPE '\'`: every LIKE goes through here, so the user's `%`, `_` and `\`
 * are never wildcards. SQLite has no default escape character and PostgreSQL's default (`\`) is not
 * SQLite's, so the clause is always written out. Case is ignored on both: SQLite's LIKE ignores
 * ASCII case and PostgreSQL's does not, so both sides go through lower() (see `containsExactly`
 * when case matters).
 */
export function likeContains(column: string, text: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${`%${escapeLike(text.toLowerCase())}%`} escape '\\'`;
}

/**
 * `column` holds `text` exactly, with case, in SQLite and PostgreSQL alike: LIKE narrows the rows,
 * then `replace` (case-sensitive in both) confirms. For exact filters on serialized JSON, where
 * the text carries its own delimiters (`"connectionId":"…"`).
 */
export function containsExactly(column: string, text: string): RawBuilder<SqlBool> {
  const ref = sql.ref(column);
  return sql<SqlBool>`(${likeContains(column, text)} and replace(${ref}, ${text}, '') <> ${ref})`;
}
