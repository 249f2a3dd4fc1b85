import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Kysely, sql } from "kysely";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createDatabase, openBookkeepingDatabase } from "./createDatabase.js";
import type { Database } from "./schema.js";
import { BACKSTOP_AUTOCHECKPOINT_PAGES, type CheckpointResult, WalCheckpointer } from "./walCheckpointer.js";

let dir: string;
let file: string;
const open: Kysely<Database>[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "ads-connect-wal-"));
  file = path.join(dir, "ads-connect.sqlite");
});
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function openDb(options: { backgroundCheckpoints?: boolean } = {}): Promise<Kysely<Database>> {
  const db = await createDatabase({ file, ...options });
  open.push(db);
  return db;
}

async function pragma(db: Kysely<Database>, name: string): Promise<unknown> {
  const { rows } = await sql<Record<string, unknown>>`pragma ${sql.raw(name)}`.execute(db);
  return rows[0]![name];
}

/** Writes about `kib` KiB of new pages (to the WAL, until a checkpoint copies them into the file). */
async function write(db: Kysely<Database>, kib: number): Promise<void> {
  await sql`create table if not exists filler (data blob)`.execute(db);
  for (let i = 0; i < kib / 64; i++) await sql`insert into filler values (randomblob(65536))`.execute(db);
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

it("every commit is synced (synchronous=FULL), also when an existing WAL database is opened again", async () => {
  // better-sqlite3's SQLite opens an existing WAL file with synchronous=NORMAL unless told otherwise.
  const first = await openDb();
  expect(await pragma(first, "synchronous")).toBe(2);
  await first.destroy();
  open.splice(0);
  const again = await openDb({ backgroundCheckpoints: true });
  expect(await pragma(again, "journal_mode")).toBe("wal");
  expect(await pragma(again, "synchronous")).toBe(2);
});

it("with background checkpoints the app's connection does not checkpoint; the worker copies committed pages into the file", async () => {
  const db = await openDb({ backgroundCheckpoints: true });
  expect(await pragma(db, "wal_autocheckpoint")).toBe(BACKSTOP_AUTOCHECKPOINT_PAGES);
  const before = statSync(file).size;
  // 2 MiB: more than SQLite's own threshold (1,000 pages), far below the backstop.
  await write(db, 2048);
  // No further statement on the app's connection: only the worker can move the pages into the file.
  await until(() => statSync(file).size >= before + 2048 * 1024);
  // Destroying the database stops the worker and closes its connection.
  await db.destroy();
  open.splice(0);
});

it("a checkpoint asked for reports what it copied; a worker that cannot open the file reports it and stops", async () => {
  const db = await openDb();
  await sql`pragma wal_autocheckpoint = 0`.execute(db);
  await write(db, 512);
  const checkpointer = new WalCheckpointer(file, { intervalMs: 60_000 });
  const result = await checkpointer.checkpoint();
  expect(result).toMatchObject({ busy: 0 });
  const { log, checkpointed } = result as { log: number; checkpointed: number };
  expect(log).toBeGreaterThan(128);
  expect(checkpointed).toBe(log);
  await checkpointer.stop();
  expect(await checkpointer.checkpoint()).toEqual({ error: "the checkpoint worker has stopped" });

  const errors: CheckpointResult[] = [];
  const broken = new WalCheckpointer(path.join(dir, "missing", "nothing.sqlite"), { onError: (e) => errors.push(e) });
  expect(await broken.checkpoint()).toEqual({ error: "the checkpoint worker has stopped" });
  expect(errors).toHaveLength(1);
  expect("error" in errors[0]! && errors[0].error).toMatch(/unable to open|does not exist/i);
  await broken.stop();
});

it("the bookkeeping connection does not fsync its commits (synchronous=NORMAL), the app's stays FULL; each sees the other's writes", async () => {
  const db = await openDb({ backgroundCheckpoints: true });
  const bookkeeping = openBookkeepingDatabase(file);
  open.push(bookkeeping);
  expect(await pragma(bookkeeping, "synchronous")).toBe(1);
  expect(await pragma(bookkeeping, "wal_autocheckpoint")).toBe(BACKSTOP_AUTOCHECKPOINT_PAGES);
  expect(await pragma(db, "synchronous")).toBe(2);
  await sql`create table marks (id text primary key, at bigint)`.execute(db);
  await sql`insert into marks values ('a', 1)`.execute(db);
  await sql`update marks set at = 2 where id = 'a'`.execute(bookkeeping);
  expect((await sql<{ at: number }>`select at from marks`.execute(db)).rows).toEqual([{ at: 2 }]);
});

it("a process with nothing else to do waits for the worker to stop before it exits", async () => {
  const db = await openDb();
  await db.destroy();
  open.splice(0);
  const module = fileURLToPath(new URL("./walCheckpointer.ts", import.meta.url));
  // The worker is unref'd (it never keeps a server alive): stop() must hold the process open itself.
  const script = `import { WalCheckpointer } from ${JSON.stringify(module)};
    const c = new WalCheckpointer(${JSON.stringify(file)});
    await c.stop();
    console.log("stopped");`;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: path.dirname(module), encoding: "utf8" });
  expect({ status: child.status, out: child.stdout.trim() }).toEqual({ status: 0, out: "stopped" });
});
