import { expect, it } from "vitest";
import type { RunningServer } from "../server.js";
import { connectAs, type Harness } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";
import { twoInstancesForFile } from "../testing/twoInstances.js";
import { LAST_FETCHED_GRANULARITY_MS } from "./connectionService.js";
import { LAST_FETCHED_SLOTS } from "./lastFetchedRecorder.js";

// Two instances on one database: decrypted credentials cached by one are never served after a
// credential write through the other.
let h: Harness;
let b: RunningServer;
twoInstancesForFile({ REFRESH_AHEAD: "off" }, (first, second) => {
  h = first;
  b = second;
});

async function read(url: string, id: string, query = "") {
  const res = await httpRequest(`${url}/connections/${id}${query}`, { headers: { authorization: `Bearer ${h.secretKey}` } });
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as { last_fetched_at: string; credentials: { access_token: string; refresh_token?: string } };
}

async function connect(username: string): Promise<string> {
  const { result } = await connectAs(h, username);
  if (result.type !== "ads-connect:success") throw new Error("connect failed");
  return result.connection_id;
}

const storedLastFetched = async (id: string) =>
  Number((await h.server.db.selectFrom("connections").select("last_fetched_at").where("connection_id", "=", id).executeTakeFirstOrThrow()).last_fetched_at);

it("a refresh through another instance is seen at once by an instance that read (and cached) the old token", async () => {
  const id = await connect("adele@contoso.example");
  const first = await read(h.server.url, id, "?refresh_token=true");
  expect((await read(h.server.url, id)).credentials.access_token).toBe(first.credentials.access_token);
  const refreshed = await read(b.url, id, "?force_refresh=true&refresh_token=true");
  expect(refreshed.credentials.access_token).not.toBe(first.credentials.access_token);
  const after = await read(h.server.url, id, "?refresh_token=true");
  expect(after.credentials.access_token).toBe(refreshed.credentials.access_token);
  expect(after.credentials.refresh_token).toBe(refreshed.credentials.refresh_token);
  expect(h.emulator.isAccessTokenValid(after.credentials.access_token)).toBe(true);
});

it("a reconnect through one instance is seen at once by another instance that cached the old credentials", async () => {
  const id = await connect("megan@contoso.example");
  const before = await read(b.url, id);
  expect((await read(b.url, id)).credentials.access_token).toBe(before.credentials.access_token);
  // The same account connects again (a reconnect: the connection is overridden with new tokens).
  expect(await connect("megan@contoso.example")).toBe(id);
  const onA = await read(h.server.url, id);
  const onB = await read(b.url, id);
  expect(onA.credentials.access_token).not.toBe(before.credentials.access_token);
  expect(onB.credentials.access_token).toBe(onA.credentials.access_token);
});

it("a deleted connection is gone at once on the instance that cached it", async () => {
  const id = await connect("megan@contoso.example");
  await read(b.url, id);
  const deleted = await httpRequest(`${h.server.url}/connections/${id}`, { method: "DELETE", headers: { authorization: `Bearer ${h.secretKey}` } });
  expect(deleted.status).toBe(200);
  const res = await httpRequest(`${b.url}/connections/${id}`, { headers: { authorization: `Bearer ${h.secretKey}` } });
  expect(res.status).toBe(404);
});

it("token reads record last_fetched_at at most once a minute per connection and write it in batches, not on the request path", async () => {
  // megan was deleted above: this is a new connection, never read.
  const id = await connect("megan@contoso.example");
  const first = await read(h.server.url, id);
  // Written by a flush (every few seconds, before each refresh-ahead pass, at shutdown), not by the read.
  await h.server.services.lastFetched.flush();
  const stored = await storedLastFetched(id);
  expect(stored).toBe(Date.parse(first.last_fetched_at));
  // Later reads within the minute record nothing, on either instance.
  await b.services.lastFetched.flush();
  const start = Date.now();
  while (Date.now() === start) await new Promise((r) => setImmediate(r));
  for (const server of [h.server, b, h.server]) await read(server.url, id);
  expect(h.server.services.lastFetched.pendingCount).toBe(0);
  expect(b.services.lastFetched.pendingCount).toBe(0);
  expect(await storedLastFetched(id)).toBe(stored);
  // Once the stored value is older than the granularity, the next read records it again.
  await h.server.db
    .updateTable("connections")
    .set({ last_fetched_at: stored - LAST_FETCHED_GRANULARITY_MS })
    .where("connection_id", "=", id)
    .execute();
  const later = await read(b.url, id);
  expect(b.services.lastFetched.pendingCount).toBe(1);
  await b.services.lastFetched.flush();
  expect(await storedLastFetched(id)).toBe(Date.parse(later.last_fetched_at));
});

it("a refresh-ahead pass sees the reads its instance recorded in memory", async () => {
  const id = await connect("adele@contoso.example");
  await h.server.db.updateTable("connections").set({ last_fetched_at: null }).where("connection_id", "=", id).execute();
  const { last_fetched_at } = await read(h.server.url, id);
  await h.server.refreshAhead.runOnce();
  expect(await storedLastFetched(id)).toBe(Date.parse(last_fetched_at));
});

it("a batched write never moves last_fetched_at back past a later read another instance wrote", async () => {
  const id = await connect("adele@contoso.example");
  const t = Date.now();
  h.server.services.lastFetched.record(id, t + 2000);
  b.services.lastFetched.record(id, t + 1000);
  await h.server.services.lastFetched.flush();
  await b.services.lastFetched.flush();
  expect(await storedLastFetched(id)).toBe(t + 2000);
});

it("one flush writes more reads than one statement holds, each with its own time", async () => {
  const ids = [await connect("adele@contoso.example"), await connect("megan@contoso.example")];
  await h.server.db.updateTable("connections").set({ last_fetched_at: null }).where("connection_id", "in", ids).execute();
  const t = Date.now();
  const recorder = h.server.services.lastFetched;
  // Ten statements and a part: the two real connections at the start of the first and in the last.
  const others = 10 * LAST_FETCHED_SLOTS - 1;
  recorder.record(ids[0]!, t + 10);
  for (let i = 0; i < others; i++) recorder.record(`no-such-connection-${i}`, t + 20);
  recorder.record(ids[1]!, t + 30);
  expect(await recorder.flush()).toBe(others + 2);
  expect(await storedLastFetched(ids[0]!)).toBe(t + 10);
  expect(await storedLastFetched(ids[1]!)).toBe(t + 30);
});

it("a flush lets other work run between its statements (on SQLite they run on the event loop)", async () => {
  const recorder = h.server.services.lastFetched;
  await recorder.flush();
  for (let i = 0; i < 4 * LAST_FETCHED_SLOTS; i++) recorder.record(`no-such-connection-${i}`, Date.now());
  let flushed = false;
  const flush = recorder.flush().then(() => (flushed = true));
  // Runs at the event loop's next turn: written in one go, the whole flush would be done by then.
  await new Promise((resolve) => setImmediate(resolve));
  expect(flushed).toBe(false);
  expect(await flush).toBe(true);
  expect(recorder.pendingCount).toBe(0);
});

it("a graceful shutdown writes the reads recorded in memory", async () => {
  const id = await connect("adele@contoso.example");
  await h.server.db.updateTable("connections").set({ last_fetched_at: null }).where("connection_id", "=", id).execute();
  const third = await h.startInstance();
  const { last_fetched_at } = await read(third.url, id);
  await third.close();
  expect(await storedLastFetched(id)).toBe(Date.parse(last_fetched_at));
});

it("a token read answers Nango's connection with every field, and the refresh token only when asked for", async () => {
  const id = await connect("adele@contoso.example");
  const plain = (await read(h.server.url, id)) as unknown as Record<string, unknown> & { credentials: Record<string, unknown> };
  expect(Object.keys(plain).sort()).toEqual(
    [
      "id",
      "connection_id",
      "provider_config_key",
      "provider",
      "metadata",
      "errors",
      "end_user",
      "tags",
      "status",
      "account",
      "accounts",
      "selected_account_ids",
      "removed_selected_account_ids",
      "accounts_error",
      "accounts_synced_at",
      "created_at",
      "updated_at",
      "last_fetched_at",
      "connection_config",
      "credentials",
    ].sort(),
  );
  expect(plain).toMatchObject({ connection_id: id, provider_config_key: "microsoft-ads", status: "connected", account: { username: "adele@contoso.example" } });
  expect(Object.keys(plain.credentials).sort()).toEqual(["access_token", "expires_at", "raw", "type"]);
  expect(plain.credentials.raw).toMatchObject({
    token_type: expect.stringMatching(/^bearer$/i),
    access_token: plain.credentials.access_token,
    expires_in: expect.any(Number),
  });
  const withRefresh = await read(h.server.url, id, "?refresh_token=true");
  expect(Object.keys(withRefresh.credentials).sort()).toEqual(["access_token", "expires_at", "raw", "refresh_token", "type"]);
  expect(withRefresh.credentials.refresh_token).toEqual(expect.any(String));
  // The status read (a list by connection id) has the summary's fields and no credentials.
  const status = await httpRequest(`${h.server.url}/connections?connectionId=${id}`, { headers: { authorization: `Bearer ${h.secretKey}` } });
  const [summary] = (JSON.parse(status.text) as { connections: Record<string, unknown>[] }).connections;
  expect(summary).toMatchObject({ connection_id: id, status: "connected", created: expect.any(String) });
  expect(summary).not.toHaveProperty("credentials");
  expect(summary).not.toHaveProperty("leased");
});
