import { AdsConnectApiError, AdsConnectClient } from "@ads-connect/node";
import type { ListOperationsResponse, OperationResponse } from "@ads-connect/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRows } from "../testing/countRows.js";
import { type Harness, startHarness } from "../testing/harness.js";
import { OperationLog } from "./operationLog.js";

let h: Harness;
let client: AdsConnectClient;
beforeAll(async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off", PRUNE: "off", ACCOUNT_SYNC: "off" } });
  client = new AdsConnectClient({ host: h.server.url, secretKey: h.secretKey });
});
afterAll(() => h?.close());

const DAY = 86_400_000;
const list = async (query: string) => {
  const res = await h.api("GET", `/logs/operations${query}`);
  expect(res.status).toBe(200);
  return res.json as ListOperationsResponse;
};

describe("the operation log's store, recorder and API", () => {
  it("lists operations newest first with their filters and a cursor, and one operation with its messages", async () => {
    // A clock of its own so the start times are distinct and known.
    let at = Date.parse("2026-03-01T10:00:00Z");
    const log = new OperationLog(h.server.services.stores.operations, null, { now: () => at++ });
    const refresh = log.start({ type: "auth", action: "refresh_token", connectionId: "conn-a", endUserId: "user-a", integration: "microsoft-ads" });
    refresh.http({ method: "post", host: "login.example", path: "/tenant/oauth2/v2.0/token?code=secret-code", status: 200, durationMs: 12.4 });
    refresh.succeed();
    const proxy = log.start({ type: "proxy", action: "call", connectionId: "conn-a", endUserId: "user-a" });
    proxy.http({ method: "GET", host: "ads.example", path: "/x", status: 200, durationMs: 3, retry: { attempt: 1, max: 2, waitedMs: 500 } });
    proxy.fail({ code: "msads_rate_limited", message: "held" });
    const other = log.start({ type: "proxy", action: "call", connectionId: "conn-b", endUserId: "user-b" });
    other.succeed();
    const running = log.start({ type: "sync", action: "run", connectionId: "conn-b", endUserId: "user-b", meta: { model: "AdAccount" } });
    running.persistResults({ model: "AdAccount", added: 1, updated: 0, deleted: 0, unchanged: 2 });
    await log.flush();

    const all = await list("?connection_id=conn-a");
    expect(all.operations.map((o) => o.id)).toEqual([proxy.id, refresh.id]);
    expect(all.next_cursor).toBeNull();
    expect(all.operations[0]).toMatchObject({ type: "proxy", action: "call", state: "failed", errorCode: "msads_rate_limited", endUserId: "user-a" });
    expect((await list("?end_user_id=user-b")).operations.map((o) => o.id)).toEqual([running.id, other.id]);
    expect((await list("?type=proxy&connection_id=conn-b")).operations.map((o) => o.id)).toEqual([other.id]);
    expect((await list("?type=auth:refresh_token&connection_id=conn-a")).operations.map((o) => o.id)).toEqual([refresh.id]);
    expect((await list("?state=running&connection_id=conn-b")).operations.map((o) => o.id)).toEqual([running.id]);
    expect((await list("?error_code=msads_rate_limited")).operations.map((o) => o.id)).toEqual([proxy.id]);
    const everything = (await list("?limit=100")).operations;
    const startOf = (id: string) => Date.parse(everything.find((o) => o.id === id)?.startedAt ?? "");
    const window = `from=${new Date(startOf(refresh.id) + 1).toISOString()}&to=${new Date(startOf(running.id)).toISOString()}`;
    expect((await list(`?${window}`)).operations.map((o) => o.id)).toEqual([other.id, proxy.id]);

    // Pages of one, newest first, following next_cursor to the end.
    const from = `from=${new Date(startOf(refresh.id)).toISOString()}`;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ListOperationsResponse = await list(`?limit=1&${from}${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.operations.length).toBeLessThanOrEqual(1);
      seen.push(...page.operations.map((o) => o.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.slice(-4)).toEqual([running.id, other.id, proxy.id, refresh.id]);

    const one = (await h.api("GET", `/logs/operations/${refresh.id}`)).json as OperationResponse;
    expect(one.operation).toMatchObject({ id: refresh.id, state: "success", integration: "microsoft-ads", durationMs: expect.any(Number) });
    expect(one.messages).toEqual([
      expect.objectContaining({
        type: "http",
        request: { method: "POST", host: "login.example", path: "/tenant/oauth2/v2.0/token" },
        response: { status: 200 },
        durationMs: 12,
      }),
    ]);
    expect(JSON.stringify(one)).not.toContain("secret-code");
    const synced = await client.getOperation(running.id);
    expect(synced.messages[0]).toMatchObject({ persistResults: { model: "AdAccount", added: 1, unchanged: 2 } });
    const proxied = await client.getOperation(proxy.id);
    expect(proxied.messages[0]).toMatchObject({ retry: { attempt: 1, max: 2, waitedMs: 500 } });
    expect((await client.listOperations({ connectionId: "conn-a", type: "auth" })).operations.map((o) => o.id)).toEqual([refresh.id]);
  });

  it("answers bad filters and unknown ids with a JSON 4xx", async () => {
    for (const query of ["type=nope", "type=auth:nope", "type=auth:refresh_token:x", "state=done", "from=yesterday", "limit=0", "cursor=bm9wZQ"]) {
      const res = await h.api("GET", `/logs/operations?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.json, query).toMatchObject({ error: { code: "invalid_query" } });
    }
    const missing = await h.api("GET", "/logs/operations/nope");
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: { code: "not_found" } });
    await expect(client.getOperation("nope")).rejects.toBeInstanceOf(AdsConnectApiError);
    expect((await h.api("GET", "/logs/operations", undefined, { authorization: "Bearer wrong" })).status).toBe(401);
  });

  it("merges what two instances write about one operation, whichever lands first", async () => {
    const a = new OperationLog(h.server.services.stores.operations, null, { now: () => 1_000 });
    const b = new OperationLog(h.server.services.stores.operations, null, { now: () => 5_000 });
    const started = a.start({ type: "auth", action: "create_connection", sessionId: "s-1" });
    started.log("info", "start page shown");
    const resumed = b.resume(started.id, { type: "auth", action: "create_connection" });
    resumed.update({ connectionId: "conn-merged" });
    resumed.succeed();
    await b.flush(); // the end first
    await a.flush(); // then the start: the operation stays ended
    const { operation, messages } = (await h.api("GET", `/logs/operations/${started.id}`)).json as OperationResponse;
    expect(operation).toMatchObject({ state: "success", connectionId: "conn-merged", sessionId: "s-1" });
    expect(messages.map((m) => m.message)).toContain("start page shown");
  });

  it("never fails the caller when the database write fails: keeps a bounded queue, drops and counts the rest", async () => {
    let fail = true;
    const store = h.server.services.stores.operations;
    const flaky = {
      write: async (...args: Parameters<typeof store.write>) => {
        if (fail) throw new Error("database down");
        return store.write(...args);
      },
    } as unknown as typeof store;
    const log = new OperationLog(flaky, null, { maxPendingRows: 5, flushAtRows: 1000 });
    const op = log.start({ type: "proxy", action: "call", connectionId: "conn-flaky" });
    for (let i = 0; i < 10; i++) op.log("info", `step ${i}`);
    await log.flush();
    expect(log.pendingRows).toBe(5);
    expect(log.dropped).toBe(6);
    fail = false;
    await log.flush();
    expect(log.pendingRows).toBe(0);
    expect((await client.getOperation(op.id)).messages.map((m) => m.message)).toEqual(["step 0", "step 1", "step 2", "step 3"]);
  });

  it("retention: the prune job deletes operations older than LOG_RETENTION_DAYS with their messages", async () => {
    const old = new OperationLog(h.server.services.stores.operations, null, { now: () => Date.now() - 16 * DAY });
    const gone = old.start({ type: "proxy", action: "call", connectionId: "conn-retention" });
    gone.log("info", "old step");
    gone.succeed();
    await old.flush();
    const fresh = h.server.services.operations.start({ type: "proxy", action: "call", connectionId: "conn-retention" });
    fresh.succeed();
    await h.server.services.operations.flush();
    const counts = await h.server.prune.runOnce();
    expect(counts.operations).toBeGreaterThanOrEqual(1);
    expect(counts.operationMessages).toBeGreaterThanOrEqual(1);
    expect((await list("?connection_id=conn-retention")).operations.map((o) => o.id)).toEqual([fresh.id]);
    expect(await countRows(h, `select count(*) as n from operation_messages where operation_id = '${gone.id}'`)).toBe(0);
  });
});
