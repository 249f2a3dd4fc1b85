import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Harness, startHarness, submitPicker } from "../testing/harness.js";
import { expectDeleted, openPicker } from "../testing/openPicker.js";

// PostgreSQL's row locks, step by step: a deletion holds the connection's row and waits (here, on the
// picker's held webhook, which the test holds); a picker's save then starts. Had the save locked the
// session's row first, it would hold it while waiting for the connection's row, and the deletion
// (once the webhook is free) would wait for the session's row: a deadlock, one request failing with
// a 500. Locking the connection's row first, the save waits for the deletion and then finds it gone.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { SYNCS: "off" } });
});
afterAll(() => h.close());

/** Until `n` of this database's sessions wait for a lock. */
async function lockWaits(n: number): Promise<void> {
  for (;;) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`.execute(h.server.db);
    if (Number(rows[0]!.n) >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it("a picker's save started while a deletion holds the connection waits for it, then answers not_found", async () => {
  const picker = await openPicker(h);
  let unlock!: () => void;
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holder = h.server.db.transaction().execute(async (tx) => {
    await sql`select id from webhook_outbox where id = ${picker.webhookId} for update`.execute(tx);
    locked();
    await new Promise<void>((resolve) => (unlock = resolve));
  });
  await isLocked;
  const deletion = h.api("DELETE", `/connections/${picker.connectionId}?provider_config_key=microsoft-ads`);
  await lockWaits(1);
  const save = submitPicker(picker.browser, picker.page, picker.form.accountIds);
  await lockWaits(2);
  unlock();
  await holder;

  const [deleted, saved] = await Promise.all([deletion, save]);
  expect(deleted.status, deleted.text).toBe(200);
  expect(saved.status, saved.body.slice(0, 500)).toBe(404);
  expect(saved.body).toContain("not_found");
  await expectDeleted(h, picker);
});
