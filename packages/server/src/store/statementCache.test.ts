import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { CompiledQuery, type Kysely } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newConnectionRow } from "../testing/connectionRow.js";
import { ConnectionStore } from "./connectionStore.js";
import { createDatabase } from "./createDatabase.js";
import { DatabaseBusyError } from "./databaseBusy.js";
import type { Database } from "./schema.js";
import { StatementCache } from "./sqliteDialect.js";

let dir: string;
let file: string;
const opened: { close(): unknown }[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "ads-connect-statements-"));
  file = path.join(dir, "db.sqlite");
});
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Another process's connection to the same file. */
function other(): SQLite.Database {
  const db = new SQLite(file);
  opened.push(db);
  return db;
}

const row = newConnectionRow;

describe("the SQLite statement cache", () => {
  it("reuses one prepared statement per SQL text, and a reused statement sees schema changes made by another connection", () => {
    const db = new SQLite(file);
    opened.push(db);
    db.pragma("journal_mode = WAL");
    db.exec("CREATE TABLE t (a TEXT); INSERT INTO t VALUES ('one')");
    const cache = new StatementCache(db);
    const select = CompiledQuery.raw("select * from t");
    expect(cache.execute(select).rows).toEqual([{ a: "one" }]);
    const stmt = cache.prepare(select.sql);
    expect(cache.execute(select).rows).toEqual([{ a: "one" }]);
    expect(cache.prepare(select.sql)).toBe(stmt);

    // A migration in another process: a column added, then the table replaced altogether.
    other().exec("ALTER TABLE t ADD COLUMN b TEXT NOT NULL DEFAULT 'added'");
    expect(cache.execute(select).rows).toEqual([{ a: "one", b: "added" }]);
    other().exec("DROP TABLE t; CREATE TABLE t (c INTEGER); INSERT INTO t VALUES (3)");
    expect(cache.execute(select).rows).toEqual([{ c: 3 }]);
    expect(cache.prepare(select.sql)).toBe(stmt);
  });

  it("keeps a statement usable after it failed with SQLITE_BUSY, and caches none that failed to prepare", () => {
    const db = new SQLite(file);
    opened.push(db);
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 0");
    db.exec("CREATE TABLE t (a INTEGER)");
    const cache = new StatementCache(db);
    const insert = CompiledQuery.raw("insert into t (a) values (?)", [1]);
    const locker = other();
    locker.exec("BEGIN IMMEDIATE");
    expect(() => cache.execute(insert)).toThrow(expect.objectContaining({ code: "SQLITE_BUSY" }));
    expect(cache.execute(CompiledQuery.raw("select count(*) as n from t")).rows).toEqual([{ n: 0 }]);
    locker.exec("ROLLBACK");
    expect(cache.execute(insert).numAffectedRows).toBe(1n);
    expect(cache.execute({ ...insert, parameters: [2] }).numAffectedRows).toBe(1n);
    expect(db.prepare("select a from t order by a").all()).toEqual([{ a: 1 }, { a: 2 }]);

    const before = cache.size;
    expect(() => cache.execute(CompiledQuery.raw("select * from not_yet_there"))).toThrow(/no such table/);
    expect(cache.size).toBe(before);
    db.exec("CREATE TABLE not_yet_there (x INTEGER)");
    expect(cache.execute(CompiledQuery.raw("select * from not_yet_there")).rows).toEqual([]);
  });

  it("holds at most its limit, dropping the oldest", () => {
    const db = new SQLite(":memory:");
    opened.push(db);
    const cache = new StatementCache(db, 3);
    const first = cache.prepare("select 1");
    for (const n of [2, 3, 4]) cache.prepare(`select ${n}`);
    expect(cache.size).toBe(3);
    expect(cache.prepare("select 1")).not.toBe(first);
  });
});

describe("a server's database with reused statements", () => {
  let kysely: Kysely<Database>;
  beforeEach(async () => {
    kysely = await createDatabase(file, { busyRetryMs: 300 });
    opened.push({ close: () => void kysely.destroy() });
  });

  it("reads a connection with the columns another process's migration added while it ran", async () => {
    const store = new ConnectionStore(kysely);
    await store.insert(row("c-1"));
    const selectAll = () => kysely.selectFrom("connections").selectAll().where("connection_id", "=", "c-1").executeTakeFirst();
    expect(await store.findByConnectionId("c-1")).not.toHaveProperty("added_later");
    expect(await selectAll()).not.toHaveProperty("added_later");
    other().exec("ALTER TABLE connections ADD COLUMN added_later TEXT NOT NULL DEFAULT 'yes'");
    // A cached `select *` is prepared again and sees the new column; the lookup names its columns.
    expect(await selectAll()).toMatchObject({ connection_id: "c-1", added_later: "yes" });
    const found = await store.findByConnectionId("c-1");
    expect(found).toMatchObject({ connection_id: "c-1" });
    expect(found).not.toHaveProperty("added_later");
    expect(await store.findByConnectionId("c-2")).toBeUndefined();
  });

  it("answers database_busy while another process holds the write lock, and the same write succeeds once it is gone", async () => {
    const store = new ConnectionStore(kysely);
    await store.insert(row("c-1"));
    expect(await store.update("c-1", { last_fetched_at: 1 })).toBe(true);
    const locker = other();
    locker.exec("BEGIN EXCLUSIVE");
    locker.prepare("UPDATE connections SET tags = tags WHERE 0").run();
    await expect(store.update("c-1", { last_fetched_at: 2 })).rejects.toBeInstanceOf(DatabaseBusyError);
    // Reads go on meanwhile (WAL), through the same cached lookup.
    expect(await store.findByConnectionId("c-1")).toMatchObject({ last_fetched_at: 1 });
    const pending = store.update("c-1", { last_fetched_at: 3 });
    setTimeout(() => locker.exec("ROLLBACK"), 100);
    expect(await pending).toBe(true);
    expect(await store.update("c-1", { last_fetched_at: 4 })).toBe(true);
    expect(await store.findByConnectionId("c-1")).toMatchObject({ last_fetched_at: 4 });
  });
});
