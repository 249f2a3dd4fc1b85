import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { type Harness, startHarness } from "../testing/harness.js";

let parent: string;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  rmSync(parent, { recursive: true, force: true });
});

const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);

it("creates the data folder 0700 and the database file with its -wal and -shm 0600, like the key files", async () => {
  parent = mkdtempSync(path.join(tmpdir(), "ads-connect-modes-"));
  const dataDir = path.join(parent, "data");
  const previous = process.umask(0o022);
  try {
    h = await startHarness({ env: { DATA_DIR: dataDir, REFRESH_AHEAD: "off" } });
  } finally {
    process.umask(previous);
  }
  // A write, so the WAL and its index exist.
  await h.createSession();
  const db = h.server.config.databaseFile;
  expect(path.dirname(db)).toBe(dataDir);
  expect({ dir: mode(dataDir), db: mode(db), wal: mode(`${db}-wal`), shm: mode(`${db}-shm`) }).toEqual({ dir: "700", db: "600", wal: "600", shm: "600" });
});
