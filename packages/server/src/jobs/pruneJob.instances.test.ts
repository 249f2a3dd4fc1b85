import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import type { RunningServer } from "../server.js";
import type { Harness } from "../testing/harness.js";
import { twoInstancesForFile } from "../testing/twoInstances.js";

// Two instances on one database, each with its pruning job (passes started by hand here).
let h: Harness;
let b: RunningServer;
twoInstancesForFile({ REFRESH_AHEAD: "off", PRUNE: "off" }, (first, second) => {
  h = first;
  b = second;
});

it("pruning passes on two instances at once: every finished webhook goes exactly once, undelivered ones stay, neither pass fails", async () => {
  const long = Date.now() - 400 * 86_400_000;
  const row = (delivered: boolean) => ({
    id: randomUUID(),
    body: "{}",
    created_at: long,
    next_attempt_at: long,
    locked_until: null,
    delivered_at: delivered ? long : null,
    gave_up_at: null,
    last_error: null,
  });
  const finished = Array.from({ length: 1200 }, () => row(true));
  const pending = Array.from({ length: 5 }, () => row(false));
  for (let i = 0; i < finished.length; i += 400)
    await h.server.db
      .insertInto("webhook_outbox")
      .values(finished.slice(i, i + 400))
      .execute();
  await h.server.db.insertInto("webhook_outbox").values(pending).execute();
  const [a, bb] = await Promise.all([h.server.prune.runOnce(), b.prune.runOnce()]);
  expect(a.webhooks + bb.webhooks).toBe(finished.length);
  const left = await h.server.db.selectFrom("webhook_outbox").select("id").execute();
  expect(new Set(left.map((r) => r.id))).toEqual(new Set(pending.map((r) => r.id)));
});
