import { type Kysely, sql } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/testDatabase.js";
import { createDatabase } from "./createDatabase.js";
import { MIGRATION_NAMES } from "./migrations.js";
import type { Database } from "./schema.js";

// PostgreSQL only (the packages-pg project): what SQLite has no counterpart for.
const opened: Kysely<Database>[] = [];
let database: TestDatabase | undefined;
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.destroy()));
  await database?.drop();
});

async function columnsOf(db: Kysely<Database>, sqlite = false) {
  const tables = (await db.introspection.getTables()).filter((t) => !t.name.startsWith("kysely_"));
  const result: Record<string, string[]> = {};
  for (const t of tables.sort((a, b) => a.name.localeCompare(b.name))) {
    // SQLite reports a TEXT PRIMARY KEY as nullable (its historical quirk); the app never writes null ids.
    const keys = sqlite ? (await sql<{ name: string }>`select name from pragma_table_info(${t.name}) where pk > 0`.execute(db)).rows.map((r) => r.name) : [];
    result[t.name] = t.columns.map((c) => `${c.name}${c.isNullable && !keys.includes(c.name) ? "?" : ""}`).sort();
  }
  return result;
}

describe("PostgreSQL", () => {
  it("three instances starting together on an empty database all migrate it without failing, once", async () => {
    database = await createTestDatabase("postgres", { migrated: false });
    const target = { url: database.url!, poolSize: 2 };
    const dbs = await Promise.all([createDatabase(target), createDatabase(target), createDatabase(target)]);
    opened.push(...dbs);
    const client = new pg.Client({ connectionString: database.url! });
    await client.connect();
    const { rows } = await client.query<{ name: string }>("SELECT name FROM kysely_migration ORDER BY name");
    await client.end();
    expect(rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
  });

  it("the migrations build the same tables and columns as on SQLite", async () => {
    database = await createTestDatabase("postgres");
    const onPostgres = await createDatabase({ url: database.url! });
    const onSqlite = await createDatabase(":memory:");
    opened.push(onPostgres, onSqlite);
    const sqliteColumns = await columnsOf(onSqlite, true);
    expect(Object.keys(sqliteColumns).length).toBeGreaterThan(5);
    expect(await columnsOf(onPostgres)).toEqual(sqliteColumns);
  });

  it("reads times and counts as numbers, as on SQLite", async () => {
    database = await createTestDatabase("postgres");
    const db = await createDatabase({ url: database.url! });
    opened.push(db);
    await db.insertInto("alerts_sent").values({ key: "k", sent_at: 1_800_000_000_123 }).execute();
    const row = await db
      .selectFrom("alerts_sent")
      .select(["sent_at", (eb) => eb.fn.countAll().as("n")])
      .groupBy("sent_at")
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ sent_at: 1_800_000_000_123, n: 1 });
  });
});
