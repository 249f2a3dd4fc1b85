import { WEBHOOK_IDEMPOTENCY_HEADER } from "@ads-connect/shared";
import { afterEach, expect, it } from "vitest";
import { type Harness, startHarness } from "../testing/harness.js";
import { authWebhook } from "./authWebhook.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const event = (connectionId: string) => authWebhook({ operation: "refresh", success: true, connectionId, endUser: { id: `user-${connectionId}` } });

it("stop() during a slow delivery, with an event queued while that pass runs: it waits for every claimed delivery, leaves no claim held, and a restart delivers everything at once, each event once", async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off", PRUNE: "off" } });
  const { outbox, db } = { outbox: h.server.services.outbox, db: h.server.db };
  // The first event's receiver takes a while: the dispatch pass is inside that delivery when the
  // second event is queued (its wake-up arrives mid-pass).
  h.webhooks.answerNextAfter(1500);
  const first = await outbox.enqueue(event("c-first"));
  await expect.poll(() => h!.webhooks.open, { timeout: 10_000, interval: 10 }).toBe(1);
  const second = await outbox.enqueue(event("c-second"));
  const key = (w: { headers: Record<string, string | string[] | undefined> }) => w.headers[WEBHOOK_IDEMPOTENCY_HEADER.toLowerCase()];
  await expect.poll(() => h!.webhooks.received.map(key), { timeout: 10_000, interval: 10 }).toContain(second);

  await outbox.stop();
  // Nothing in flight once stop() resolves: no request left open at the receiver, no claim left in the table.
  expect(h.webhooks.open).toBe(0);
  const held = await db.selectFrom("webhook_outbox").select(["id", "locked_until"]).where("locked_until", "is not", null).execute();
  expect(held).toEqual([]);

  // Started again (as after a restart), a third event is delivered promptly, far inside the 60 s
  // claim expiry, and every event has reached the receiver exactly once.
  outbox.start();
  const third = await outbox.enqueue(event("c-third"));
  await h.webhooks.waitFor(3, 10_000);
  await expect
    .poll(async () => (await db.selectFrom("webhook_outbox").select("id").where("delivered_at", "is", null).execute()).length, {
      timeout: 10_000,
      interval: 50,
    })
    .toBe(0);
  const keys = h.webhooks.received.map(key);
  expect(keys.sort()).toEqual([first, second, third].sort());
});
