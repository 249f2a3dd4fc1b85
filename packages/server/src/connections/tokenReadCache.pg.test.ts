import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CONNECTION_CHANGES_APPLICATION } from "../store/connectionChanges.js";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";

// PostgreSQL only: token reads serve connection rows kept in memory, kept current by the
// connections table's notifications (ConnectionChangeFeed, ConnectionRowCache).
let h: Harness;
let sql: pg.Client;

beforeAll(async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off", TOKEN_READ_CACHE_SECONDS: "2" } });
  sql = new pg.Client({ connectionString: h.server.config.databaseUrl! });
  await sql.connect();
});

afterAll(async () => {
  await sql?.end();
  await h?.close();
});

const feed = () => h.server.services.connectionChanges!;

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function connected(username: string): Promise<string> {
  const { result } = await connectAs(h, username);
  if (result.type !== "ads-connect:success") throw new Error(`connect failed: ${JSON.stringify(result)}`);
  await until(() => feed().listening, "the feed listens");
  return result.connection_id;
}

async function metadata(id: string): Promise<unknown> {
  const res = await h.api("GET", `/connections/${id}`);
  expect(res.status).toBe(200);
  return (res.json as { metadata: unknown }).metadata;
}

/** A write PostgreSQL's triggers do not see (replication mode), so no instance is told of it. */
async function unannouncedWrite(id: string, value: string): Promise<void> {
  await sql.query("BEGIN");
  await sql.query("SET LOCAL session_replication_role = replica");
  await sql.query("UPDATE connections SET metadata = $1 WHERE connection_id = $2", [JSON.stringify({ value }), id]);
  await sql.query("COMMIT");
}

it("a token read serves the row kept in memory, no longer than TOKEN_READ_CACHE_SECONDS", async () => {
  const id = await connected("adele@contoso.example");
  expect(await metadata(id)).toEqual({});
  await unannouncedWrite(id, "unannounced");
  expect(await metadata(id)).toEqual({});
  await until(async () => JSON.stringify(await metadata(id)) === JSON.stringify({ value: "unannounced" }), "the kept row expires");
});

it("a change written by another client (an instance, a job, hand-written SQL) is seen by the next read, and a deletion at once", async () => {
  const id = await connected("megan@contoso.example");
  expect(await metadata(id)).toEqual({});
  await sql.query("UPDATE connections SET metadata = $1 WHERE connection_id = $2", [JSON.stringify({ value: "by hand" }), id]);
  expect(await metadata(id)).toEqual({ value: "by hand" });
  await sql.query("DELETE FROM connections WHERE connection_id = $1", [id]);
  expect((await h.api("GET", `/connections/${id}`)).status).toBe(404);
});

it("when the listening connection is cut, reads go to the database at once; the feed listens again and rows are kept again", async () => {
  const id = await connected("three@contoso.example");
  expect(await metadata(id)).toEqual({});
  await unannouncedWrite(id, "while listening");
  expect(await metadata(id)).toEqual({});
  await sql.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()", [
    CONNECTION_CHANGES_APPLICATION,
  ]);
  await until(() => !feed().listening, "the feed notices");
  expect(await metadata(id)).toEqual({ value: "while listening" });
  await until(() => feed().listening, "the feed listens again");
  expect(h.logs.some((line) => line.includes("lost the connection that listens for connection changes"))).toBe(true);
  expect(await metadata(id)).toEqual({ value: "while listening" });
  await unannouncedWrite(id, "kept again");
  expect(await metadata(id)).toEqual({ value: "while listening" });
});
