import { randomUUID } from "node:crypto";
import { WEBHOOK_IDEMPOTENCY_HEADER } from "@ads-connect/shared";
import { afterEach, expect, it } from "vitest";
import type { RunningServer } from "../server.js";
import { type Harness, startHarness } from "../testing/harness.js";

// Three instances on one database (one SQLite file, or one PostgreSQL database in packages-pg), so
// three webhook dispatchers share one outbox, as a scaled-out deployment runs them.
let h: Harness | undefined;
let others: RunningServer[] = [];
afterEach(async () => {
  for (const s of others) await s.close().catch(() => {});
  others = [];
  await h?.close();
  h = undefined;
});

async function threeInstances(env: Record<string, string> = {}): Promise<Harness> {
  h = await startHarness({ env: { REFRESH_AHEAD: "off", PRUNE: "off", ...env } });
  others = [await h.startInstance(), await h.startInstance()];
  return h;
}

/** `count` events, all due now: every dispatcher finds the same ones on its next look at the table. */
async function queue(harness: Harness, count: number): Promise<string[]> {
  const t = Date.now();
  const ids = Array.from({ length: count }, () => randomUUID());
  const body = (id: string, i: number) => JSON.stringify({ type: "auth", operation: "refresh", success: true, connectionId: `c-${i}`, idempotencyKey: id });
  await harness.server.db
    .insertInto("webhook_outbox")
    .values(
      ids.map((id, i) => ({
        id,
        body: body(id, i),
        created_at: t,
        next_attempt_at: t,
        locked_until: null,
        delivered_at: null,
        gave_up_at: null,
        last_error: null,
      })),
    )
    .execute();
  return ids;
}

/** Stops every dispatcher; each finishes the delivery it has in flight, so a second sending of an event shows after this. */
async function stopAll(harness: Harness) {
  for (const s of others) await s.close();
  others = [];
  await harness.server.services.outbox.stop();
}

it("three dispatchers on one outbox: every event reaches the receiver exactly once, under its own idempotency key", async () => {
  const harness = await threeInstances();
  const ids = await queue(harness, 300);
  await harness.webhooks.waitFor(ids.length, 20_000);
  await expect
    .poll(async () => (await harness.server.db.selectFrom("webhook_outbox").select("id").where("delivered_at", "is", null).execute()).length, {
      timeout: 20_000,
      interval: 100,
    })
    .toBe(0);
  await stopAll(harness);
  const keys = harness.webhooks.received.map((w) => w.headers[WEBHOOK_IDEMPOTENCY_HEADER.toLowerCase()]);
  expect(keys.length).toBe(ids.length);
  expect(new Set(keys)).toEqual(new Set(ids));
  expect((await harness.server.db.selectFrom("webhook_attempts").select("outbox_id").execute()).length).toBe(ids.length);
});

it("a failed delivery waits out its backoff on every instance: another dispatcher with an older list of due events does not send it again at once", async () => {
  // The first retry comes 30 to 60 s after a failure: within this test, each event is tried once.
  const harness = await threeInstances({ WEBHOOK_RETRY_BASE_MS: "60000" });
  harness.webhooks.respondWith(503);
  const ids = await queue(harness, 120);
  const tried = async () => (await harness.server.db.selectFrom("webhook_outbox").select("id").where("attempts", ">", 0).execute()).length;
  await expect.poll(tried, { timeout: 20_000, interval: 100 }).toBe(ids.length);
  await stopAll(harness);
  expect(harness.webhooks.refused).toBe(ids.length);
  expect((await harness.server.db.selectFrom("webhook_attempts").select("outbox_id").execute()).length).toBe(ids.length);
  const rows = await harness.server.db.selectFrom("webhook_outbox").select(["attempts", "next_attempt_at", "locked_until"]).execute();
  expect(rows.every((r) => r.attempts === 1 && r.locked_until === null && Number(r.next_attempt_at) > Date.now())).toBe(true);
});
