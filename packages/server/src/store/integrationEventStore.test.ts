import type { Kysely } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/testDatabase.js";
import { createDatabase } from "./createDatabase.js";
import { IntegrationEventStore } from "./integrationEventStore.js";
import type { Database } from "./schema.js";

const HOUR = 3_600_000;
const NOW = Date.UTC(2027, 0, 10, 12);
let db: Kysely<Database>;
let events: IntegrationEventStore;
let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
  db = await createDatabase({ url: database.url, file: ":memory:" });
  events = new IntegrationEventStore(db);
});
afterEach(async () => {
  await db.destroy();
  await database.drop();
});

const secretError = { code: "invalid_client_secret", actor: "product_team", aadsts: 7000215 };
const declined = { code: "consent_declined", actor: "end_user", aadsts: 65004 };

describe("integration events", () => {
  it("errors by code count only the window asked for, most frequent first, with Microsoft's numbers", async () => {
    await events.record(NOW - 25 * HOUR, "connect_failed", null, declined);
    await events.record(NOW - 2 * HOUR, "connect_failed", null, declined);
    await events.record(NOW - 1 * HOUR, "connect_failed", null, { ...declined, aadsts: null });
    await events.record(NOW - 3 * HOUR, "refresh_failed", "c-1", secretError);
    await events.record(NOW - HOUR, "connect_succeeded", "c-2");
    expect(await events.errorsSince(NOW - 24 * HOUR)).toEqual([
      { code: "consent_declined", actor: "end_user", count: 2, last_at: NOW - HOUR, aadsts: [65004] },
      { code: "invalid_client_secret", actor: "product_team", count: 1, last_at: NOW - 3 * HOUR, aadsts: [7000215] },
    ]);
    expect(await events.lastAt("connect_succeeded")).toBe(NOW - HOUR);
    expect(await events.lastAt("refresh_succeeded")).toBeNull();
  });

  it("a configuration problem stays open until a connect or refresh succeeds after it; end users' errors never open one", async () => {
    await events.record(NOW - 3 * HOUR, "connect_succeeded", "c-1");
    await events.record(NOW - 2 * HOUR, "connect_failed", null, declined);
    expect(await events.openConfigurationProblem()).toBeNull();
    await events.record(NOW - HOUR, "refresh_failed", "c-1", secretError);
    expect(await events.openConfigurationProblem()).toEqual({ code: "invalid_client_secret", aadsts: 7000215, at: NOW - HOUR });
    await events.record(NOW, "refresh_succeeded", "c-1");
    expect(await events.openConfigurationProblem()).toBeNull();
  });
});
