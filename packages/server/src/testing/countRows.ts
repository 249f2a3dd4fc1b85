import { sql } from "kysely";
import type { Harness } from "./harness.js";

/** Runs `select count(*) as n from …` on the harness's own database, SQLite or PostgreSQL alike. */
export async function countRows(harness: Harness, query: string): Promise<number> {
  const { rows } = await sql.raw<{ n: number | string }>(query).execute(harness.server.db);
  return Number(rows[0]?.n ?? 0);
}
