import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { afterEach, expect, it } from "vitest";
import { newConnectionRow } from "../testing/connectionRow.js";
import { createTestDatabase, type TestDatabase } from "../testing/testDatabase.js";
import { ConnectionStore } from "./connectionStore.js";
import { createDatabase } from "./createDatabase.js";
import type { Database } from "./schema.js";

// PostgreSQL only (the packages-pg project): the hot lookups run as named prepared statements.
let db: Kysely<Database> | undefined;
let database: TestDatabase | undefined;
afterEach(async () => {
  await db?.destroy();
  await database?.drop();
  db = undefined;
});

const row = newConnectionRow;

it("the token and status lookups are prepared once per connection, and keep working when a migration adds a column", async () => {
  database = await createTestDatabase("postgres");
  // One pooled connection, so the session that prepared is the one asked.
  db = await createDatabase({ url: database.url!, poolSize: 1 });
  const store = new ConnectionStore(db);
  const id = randomUUID();
  await store.insert(row(id));
  for (let i = 0; i < 3; i++) {
    expect((await store.findByConnectionId(id))?.connection_id).toBe(id);
    expect((await store.listByConnectionIdWithLeases(id, 1, 0)).rows.map((r) => r.connection_id)).toEqual([id]);
  }
  const prepared = async () => (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(db!)).rows;
  const named = (await prepared()).filter((p) => p.name.startsWith("adsc_"));
  expect(named).toHaveLength(2);
  for (const p of named) expect(p.statement).not.toContain("*");

  // What a rolling deploy does: a newer instance adds a column while this one keeps its statements.
  await sql`alter table connections add column added_by_a_later_migration text`.execute(db);
  const found = await store.findByConnectionId(id);
  expect(found?.connection_id).toBe(id);
  expect(found).not.toHaveProperty("added_by_a_later_migration");
  expect((await store.listByConnectionIdWithLeases(id, 1, 0)).rows.map((r) => r.connection_id)).toEqual([id]);
  expect((await prepared()).filter((p) => p.name.startsWith("adsc_"))).toHaveLength(2);
});
