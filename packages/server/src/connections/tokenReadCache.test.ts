import SQLite from "better-sqlite3";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";

// SQLite: token reads serve connection rows kept in memory while the database's change stamp
// (this connection's writes, `PRAGMA data_version` for every other connection's commits) stays
// the same (StampedRowCache). `other` stands for another process on the same file.
let h: Harness;
let other: SQLite.Database;

beforeAll(async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off", TOKEN_READ_CACHE_SECONDS: "60" } });
  other = new SQLite(h.server.config.databaseFile, { fileMustExist: true });
  other.pragma("busy_timeout = 5000");
});

afterAll(async () => {
  other?.close();
  await h?.close();
});

async function connected(username: string): Promise<string> {
  const { result } = await connectAs(h, username);
  if (result.type !== "ads-connect:success") throw new Error(`connect failed: ${JSON.stringify(result)}`);
  return result.connection_id;
}

async function metadata(id: string): Promise<unknown> {
  const res = await h.api("GET", `/connections/${id}`);
  expect(res.status).toBe(200);
  return (res.json as { metadata: unknown }).metadata;
}

it("repeated token reads with no write in between serve the kept row", async () => {
  const id = await connected("adele@contoso.example");
  await metadata(id);
  const lookups = vi.spyOn(h.server.services.stores.connections, "findByConnectionId");
  try {
    // The bookkeeping flushes (last read, key use) are commits too and drop what is kept: a few tries.
    let served = false;
    for (let attempt = 0; attempt < 5 && !served; attempt++) {
      await metadata(id);
      lookups.mockClear();
      await metadata(id);
      await metadata(id);
      served = lookups.mock.calls.length === 0;
    }
    expect(served).toBe(true);
  } finally {
    lookups.mockRestore();
  }
});

it("a change committed by another process is seen by the next read, an expiry and a deletion at once", async () => {
  const id = await connected("megan@contoso.example");
  expect(await metadata(id)).toEqual({});
  expect(await metadata(id)).toEqual({});
  other.prepare("update connections set metadata = ? where connection_id = ?").run(JSON.stringify({ value: "by hand" }), id);
  expect(await metadata(id)).toEqual({ value: "by hand" });
  other.prepare("update connections set status = 'expired' where connection_id = ?").run(id);
  expect((await h.api("GET", `/connections/${id}`)).status).toBe(424);
  other.prepare("update connections set status = 'connected' where connection_id = ?").run(id);
  expect(await metadata(id)).toEqual({ value: "by hand" });
  other.prepare("delete from connections where connection_id = ?").run(id);
  expect((await h.api("GET", `/connections/${id}`)).status).toBe(404);
});

it("this process's own writes are seen by the next read", async () => {
  const id = await connected("three@contoso.example");
  expect(await metadata(id)).toEqual({});
  const patched = await h.api("PATCH", `/connections/${id}`, { metadata: { own: "write" } });
  expect(patched.status).toBeLessThan(300);
  expect(await metadata(id)).toEqual({ own: "write" });
  expect((await h.api("DELETE", `/connections/${id}`)).status).toBeLessThan(300);
  expect((await h.api("GET", `/connections/${id}`)).status).toBe(404);
});
