import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { createDatabase } from "../store/createDatabase.js";
import type { Database } from "../store/schema.js";
import { TokenBudgetStore } from "../store/tokenBudgetStore.js";
import { createTestDatabase, type TestDatabase } from "../testing/testDatabase.js";
import { TokenBudget } from "./tokenBudget.js";

let database: TestDatabase;
let dir: string;
let db: Kysely<Database>;
let t = 1_700_000_000_000;
const clock = () => t;

beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), "budget-"));
  // Opened and migrated like the server's own database.
  db = await createDatabase(database.url ? { url: database.url } : path.join(dir, "db.sqlite"));
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await db.deleteFrom("token_request_windows").execute();
  await db.deleteFrom("token_throttle").execute();
});

it("grants the per-minute cap in each clock minute, shared by every budget on the database; readers are counted, not refused", async () => {
  const a = new TokenBudget(new TokenBudgetStore(db), 10, clock);
  const b = new TokenBudget(new TokenBudgetStore(db), 10, clock);
  t = Math.ceil(t / 60_000) * 60_000;
  let granted = 0;
  for (let i = 0; i < 15; i++) if (await (i % 2 ? a : b).tryTake()) granted++;
  expect(granted).toBe(10);
  await a.note();
  expect(await b.countAt(t)).toBe(11);
  // Later in the same minute: still spent; the next minute has room again.
  t += 59_000;
  expect(await a.tryTake()).toBe(false);
  t += 1_000;
  expect(await b.tryTake()).toBe(true);
});

it("never grants more than the cap in a clock minute, small caps included", async () => {
  for (const cap of [1, 5, 300]) {
    await db.deleteFrom("token_request_windows").execute();
    const budget = new TokenBudget(new TokenBudgetStore(db), cap, clock);
    t = Math.ceil(t / 60_000) * 60_000;
    let granted = 0;
    for (const end = t + 60_000; t < end; t += 5_000) while (await budget.tryTake()) granted++;
    expect(granted).toBe(cap);
  }
});

it("Entra's throttling stops background takes on every instance until it ends", async () => {
  const a = new TokenBudget(new TokenBudgetStore(db), 60, clock);
  const b = new TokenBudget(new TokenBudgetStore(db), 60, clock);
  await a.throttle(30_000);
  expect(await b.throttledUntil()).toBe(t + 30_000);
  expect(await b.tryTake()).toBe(false);
  // A shorter throttle does not cut a longer one short.
  await b.throttle(5_000);
  expect(await a.throttledUntil()).toBe(t + 30_000);
  t += 30_001;
  expect(await a.throttledUntil()).toBeNull();
  expect(await b.tryTake()).toBe(true);
});
