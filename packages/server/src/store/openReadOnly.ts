import { existsSync } from "node:fs";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { Database } from "./schema.js";

/**
 * Opens an existing database for reading only (no migration, no file created), for checks such as
 * the doctor's. Null when there is no database yet.
 */
export function openReadOnly(file: string): Kysely<Database> | null {
  if (file === ":memory:" || !existsSync(file)) return null;
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  sqlite.pragma("busy_timeout = 5000");
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}
