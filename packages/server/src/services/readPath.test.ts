import { expect, it } from "vitest";
import type { RunningServer } from "../server.js";
import { connectAs, type Harness } from "../testing/harness.js";
import { twoInstancesForFile } from "../testing/twoInstances.js";
import { httpRequest } from "../testing/httpRequest.js";
import { LAST_FETCHED_GRANULARITY_MS } from "./connectionService.js";

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

it("token reads write last_fetched_at at most once a minute per connection (no database write on every read)", async () => {
  // megan was deleted above: this is a new connection, never read.
  const id = await connect("megan@contoso.example");
  const first = await read(h.server.url, id);
  const stored = await storedLastFetched(id);
  expect(stored).toBe(Date.parse(first.last_fetched_at));
  // Later reads within the minute leave the row alone (a write per read is what made reads slow).
  const start = Date.now();
  while (Date.now() === start) await new Promise((r) => setImmediate(r));
  for (const server of [h.server, b, h.server]) await read(server.url, id);
  expect(await storedLastFetched(id)).toBe(stored);
  // Once the stored value is older than the granularity, the next read records it again.
  await h.server.db.updateTable("connections").set({ last_fetched_at: stored - LAST_FETCHED_GRANULARITY_MS }).where("connection_id", "=", id).execute();
  const later = await read(b.url, id);
  expect(await storedLastFetched(id)).toBe(Date.parse(later.last_fetched_at));
});
