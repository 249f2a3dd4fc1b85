import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import SQLite from "better-sqlite3";
import { afterEach, expect, it } from "vitest";
import { MIGRATION_NAMES } from "./migrations.js";

const CHILD = fileURLToPath(new URL("../testing/openDatabaseProcess.ts", import.meta.url));

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `count` processes, waits until each is loaded, then lets them all migrate `file` at once. */
async function migrateTogether(file: string, count: number): Promise<{ code: number | null; stderr: string }[]> {
  const children = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, file], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const ready = new Promise<void>((resolve) => child.stdout.on("data", (c: Buffer) => c.toString("utf8").includes("ready") && resolve()));
    const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.once("exit", (code) => resolve({ code, stderr })));
    return { child, ready, exited };
  });
  await Promise.all(children.map((c) => c.ready));
  for (const c of children) c.child.stdin.write("go\n");
  return Promise.all(children.map((c) => c.exited));
}

it("three processes starting together on a fresh database all migrate it successfully", async () => {
  dir = mkdtempSync(path.join(tmpdir(), "ads-connect-migrate-"));
  for (let round = 0; round < 2; round++) {
    const file = path.join(dir, `round-${round}.sqlite`);
    const outcomes = await migrateTogether(file, 3);
    expect(outcomes).toEqual([0, 0, 0].map(() => ({ code: 0, stderr: "" })));
    const db = new SQLite(file, { readonly: true });
    const applied = db.prepare("SELECT name FROM kysely_migration ORDER BY name").all() as { name: string }[];
    db.close();
    expect(applied.map((r) => r.name)).toEqual(MIGRATION_NAMES);
  }
}, 120_000);
