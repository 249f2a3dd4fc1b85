import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { AppError } from "../errors.js";
import { createDatabase } from "../store/createDatabase.js";
import { DatabaseOutage } from "../store/databaseOutage.js";
import type { DatabaseHandle } from "../store/db.js";
import { runPeriodically } from "./periodicJob.js";

// The PostgreSQL restart itself: store/databaseOutageLog.pg.test.ts. Here: what counts as the
// outage (logged once) and what stays an error.
let db: DatabaseHandle;
beforeAll(async () => {
  db = await createDatabase({ file: ":memory:" });
});
afterAll(async () => {
  await db.destroy();
});

function capture() {
  const lines: { level: number; msg: string; code?: string }[] = [];
  const logger = pino(
    { level: "info" },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString("utf8")) as (typeof lines)[number]);
        done();
      },
    }),
  );
  return { lines, logger };
}

const refused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

it("an unreachable database is logged once (warn, with its code) until a probe finds it back (info); other errors are not the outage's", async () => {
  const { lines, logger } = capture();
  const outage = new DatabaseOutage(db, logger);
  try {
    expect(outage.noted(new Error("a bug"))).toBe(false);
    // Microsoft or Entra refusing the connection is theirs, not the database's.
    expect(outage.noted(new AppError("msads_unreachable", "Microsoft Advertising is unreachable", 502, { cause: refused() }))).toBe(false);
    expect(lines).toEqual([]);
    expect(outage.noted(refused())).toBe(true);
    expect(outage.noted(new AppError("database_unavailable", "The database is unreachable right now", 503, { cause: refused() }))).toBe(true);
    expect(outage.noted(refused())).toBe(true);
    expect(lines.map((l) => [l.level, l.code])).toEqual([[40, "ECONNREFUSED"]]);
    // The in-memory database answers: the next probe sees it back.
    await expect.poll(() => outage.down, { timeout: 5_000, interval: 20 }).toBe(false);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, "database unreachable: requests answer 503 and jobs retry until it is back"],
      [30, "database reachable again"],
    ]);
  } finally {
    outage.stop();
  }
});

it("a job pass failed by the database is the outage's; one failed by anything else stays an error", async () => {
  const { lines, logger } = capture();
  const outage = new DatabaseOutage(db, logger);
  const failures = [refused(), refused(), new Error("a bug in the pass")];
  let passes = 0;
  const loop = runPeriodically({
    name: "test",
    enabled: true,
    intervalMs: 1,
    firstDelayMs: 0,
    logger,
    outage,
    pass: async () => {
      const err = failures[passes++];
      if (err) throw err;
    },
  });
  try {
    await expect.poll(() => passes, { timeout: 5_000, interval: 5 }).toBeGreaterThan(failures.length);
  } finally {
    await loop.stop();
    outage.stop();
  }
  expect(lines.filter((l) => l.level >= 40).map((l) => [l.level, l.msg])).toEqual([
    [40, "database unreachable: requests answer 503 and jobs retry until it is back"],
    [50, "test pass failed"],
  ]);
});
