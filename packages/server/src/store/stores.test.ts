import type { AdAccount } from "@ads-connect/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/testDatabase.js";
import { createDatabase } from "./createDatabase.js";
import type { DatabaseHandle } from "./db.js";
import { Stores } from "./stores.js";

let db: DatabaseHandle;
let stores: Stores;
let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
  db = await createDatabase({ url: database.url, file: ":memory:" });
  stores = new Stores(db);
});
afterEach(async () => {
  await db.destroy();
  await database.drop();
});

const NOW = Date.UTC(2027, 0, 10, 12);

function account(id: string): AdAccount {
  return {
    id,
    customer_id: "9",
    number: null,
    name: `Account ${id}`,
    currency: "USD",
    time_zone: null,
    status: "Active",
    pause_reason: null,
    language: null,
    financial_status: null,
    mode: null,
  };
}

describe("Stores.transaction", () => {
  it("commits the writes of several repositories together", async () => {
    await stores.transaction(async (tx) => {
      await tx.events.record(NOW, "connect_succeeded", "c1");
      await tx.webhooks.insert({ id: "w1", body: "{}", createdAt: NOW, dueAt: NOW });
    });
    expect(await stores.events.lastAt("connect_succeeded")).toBe(NOW);
    expect((await stores.webhooks.latest(10)).map((e) => e.id)).toEqual(["w1"]);
  });

  it("rolls every repository's writes back when the work throws, including a repository's own transaction run inside it", async () => {
    await stores.webhooks.insert({ id: "w1", body: "{}", createdAt: NOW, dueAt: NOW });
    const claimed = await stores.webhooks.claim("w1", NOW, 60_000);
    expect(claimed).toEqual({ body: "{}", attempts: 0, trace_context: null, claim: expect.any(Number) });
    const failure = new Error("boom");
    await expect(
      stores.transaction(async (tx) => {
        await tx.events.record(NOW, "refresh_succeeded", "c1");
        // Opens no second transaction: runs inside this one.
        expect(
          await tx.webhooks.recordAttempt(
            "w1",
            claimed!.claim,
            { startedAt: NOW, endedAt: NOW + 5, statusCode: 200, error: null },
            { attempts: 1, delivered_at: NOW + 5, locked_until: null },
          ),
        ).toBe(true);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await stores.events.lastAt("refresh_succeeded")).toBeNull();
    expect(await stores.webhooks.attemptsOf(["w1"])).toEqual([]);
    expect((await stores.webhooks.latest(1))[0]?.delivered_at).toBeNull();
  });
});

describe("active accounts", () => {
  it("are read in one order everywhere: Microsoft's position, then the account id", async () => {
    const row = (connectionId: string, id: string, position: number, deleted = false) => ({
      connection_id: connectionId,
      account_id: id,
      customer_id: "9",
      data: JSON.stringify(account(id)),
      first_seen_at: NOW,
      last_modified_at: NOW,
      last_action: deleted ? ("DELETED" as const) : ("ADDED" as const),
      deleted_at: deleted ? NOW : null,
      cursor: position + 1,
      position,
    });
    // Inserted against the expected order; "30" and "20" tie on position 0.
    await stores.adAccounts.insertMany([row("c1", "40", 1), row("c1", "30", 0), row("c1", "20", 0), row("c1", "10", 2, true), row("c2", "50", 0)]);
    const one = (await stores.adAccounts.active("c1")).map((a) => a.id);
    const many = await stores.adAccounts.activeByConnection(["c2", "c1", "none"]);
    expect(one).toEqual(["20", "30", "40"]);
    expect(many.get("c1")!.map((a) => a.id)).toEqual(one);
    expect(many.get("c2")!.map((a) => a.id)).toEqual(["50"]);
    expect(many.get("none")).toEqual([]);
  });
});
