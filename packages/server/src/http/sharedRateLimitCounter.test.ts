import pino from "pino";
import { expect, it } from "vitest";
import type { RateLimitCount, RateLimitStore } from "../store/rateLimitStore.js";
import { SharedRateLimitCounter } from "./sharedRateLimitCounter.js";

/** The store's contract over a Map (one instance's view; the PostgreSQL upsert is tested in rateLimits.instances.pg.test.ts). */
function mapStore() {
  const rows = new Map<string, RateLimitCount>();
  const calls: [string, number][] = [];
  let failing = false;
  const store = {
    async add(key: string, hits: number, windowMs: number, now: number): Promise<RateLimitCount> {
      calls.push([key, hits]);
      if (failing) throw new Error("database unavailable");
      const row = rows.get(key);
      const next = !row || row.resetAt <= now ? { hits, resetAt: now + windowMs } : { hits: row.hits + hits, resetAt: row.resetAt };
      rows.set(key, next);
      return next;
    },
  };
  return { store: store as unknown as RateLimitStore, rows, calls, fail: (on: boolean) => (failing = on) };
}

it("answers from the last known total plus local hits, and sends each key's new hits in one statement per flush", async () => {
  const db = mapStore();
  const counter = new SharedRateLimitCounter(db.store, 60_000, pino({ level: "silent" }), () => 1_000, 60_000);
  // Another instance's 10 hits, already in the database.
  db.rows.set("api:key", { hits: 10, resetAt: 61_000 });
  expect(counter.hit("api:key", 1_000).hits).toBe(1);
  expect(counter.hit("api:key", 1_000).hits).toBe(2);
  counter.hit("browser:1.2.3.4", 1_000);
  await counter.flush();
  expect(db.calls).toEqual([
    ["api:key", 2],
    ["browser:1.2.3.4", 1],
  ]);
  // The flush's answer is the deployment's total.
  expect(counter.hit("api:key", 1_000)).toEqual({ hits: 13, resetAt: 61_000 });
  await counter.stop();
  expect(db.rows.get("api:key")!.hits).toBe(13);
});

it("a failed flush keeps its hits for the next one (warned once), and the count goes on meanwhile", async () => {
  const db = mapStore();
  const lines: string[] = [];
  const logger = pino({ level: "warn" }, { write: (line: string) => void lines.push(line) });
  const counter = new SharedRateLimitCounter(db.store, 60_000, logger, () => 1_000, 60_000);
  counter.hit("api:key", 1_000);
  counter.hit("api:key", 1_000);
  db.fail(true);
  await counter.flush();
  expect(counter.hit("api:key", 1_000).hits).toBe(3);
  await counter.flush();
  expect(lines.filter((l) => l.includes("could not add rate-limit counts"))).toHaveLength(1);
  db.fail(false);
  await counter.stop();
  expect(db.rows.get("api:key")).toEqual({ hits: 3, resetAt: 61_000 });
});

it("a window that has ended starts again from this hit", () => {
  const db = mapStore();
  const counter = new SharedRateLimitCounter(db.store, 60_000, pino({ level: "silent" }), () => 1_000, 60_000);
  counter.hit("api:key", 1_000);
  counter.hit("api:key", 1_000);
  expect(counter.hit("api:key", 61_000)).toEqual({ hits: 1, resetAt: 121_000 });
});

it("while the database is away a flush tries one statement, not one per key; ended windows are forgotten, unsent hits and all", async () => {
  const db = mapStore();
  let clock = 1_000;
  const counter = new SharedRateLimitCounter(db.store, 60_000, pino({ level: "silent" }), () => clock, 60_000);
  for (let ip = 0; ip < 50; ip++) counter.hit(`browser:10.0.0.${ip}`, clock);
  db.fail(true);
  await counter.flush();
  expect(db.calls).toHaveLength(1);
  // An hour later, still down: the 50 clients' windows have ended and nothing of them is sent or kept.
  clock = 3_601_000;
  counter.hit("api:key", clock);
  await counter.flush();
  expect(db.calls.map(([key]) => key).slice(1)).toEqual(["api:key"]);
  db.fail(false);
  await counter.stop();
  expect([...db.rows.keys()]).toEqual(["api:key"]);
  expect(db.rows.get("api:key")).toEqual({ hits: 1, resetAt: 3_661_000 });
});
