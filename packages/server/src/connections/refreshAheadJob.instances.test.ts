import { expect, it } from "vitest";
import type { RunningServer } from "../server.js";
import { connectAs, type Harness } from "../testing/harness.js";
import { twoInstancesForFile } from "../testing/twoInstances.js";

// Two instances on one database, each with its refresh-ahead job (passes started by hand here).
let h: Harness;
let b: RunningServer;
twoInstancesForFile({ REFRESH_AHEAD: "off", PRUNE: "off", REFRESH_AHEAD_CONCURRENCY: "1" }, (first, second) => {
  h = first;
  b = second;
});

it("refresh-ahead passes on two instances share the due connections: one slow refresh does not stall the other instance's pass, and each connection is refreshed once", async () => {
  const ids: string[] = [];
  for (const user of ["adele@contoso.example", "megan@contoso.example"]) {
    const { result } = await connectAs(h, user);
    if (result.type !== "ads-connect:success") throw new Error(`connect failed: ${JSON.stringify(result)}`);
    ids.push(result.connection_id);
  }
  // Both read just now and about to expire, the first one soonest (the passes take them in that order).
  const soon = Date.now() + 1000;
  for (const [i, id] of ids.entries())
    await h.server.db
      .updateTable("connections")
      .set({ access_token_expires_at: soon + i, last_fetched_at: Date.now() })
      .where("connection_id", "=", id)
      .execute();
  const before = h.emulator.stats.tokenRequests.refresh_token;

  // Instance A's pass is inside the first connection's refresh; Microsoft's answer is held.
  const hold = h.emulator.holdNextTokenResponse("refresh_token");
  const passA = h.server.refreshAhead.runOnce();
  await hold.held;
  // Instance B's pass skips the connection A is refreshing and does the other one, without waiting for A.
  expect(await b.refreshAhead.runOnce()).toBe(1);
  hold.release();
  // A's pass goes on and finds the other one refreshed already: nothing more at Microsoft.
  await passA;
  expect(h.emulator.stats.tokenRequests.refresh_token - before).toBe(2);
  const rows = await h.server.db.selectFrom("connections").select(["status", "access_token_expires_at"]).where("connection_id", "in", ids).execute();
  expect(rows.every((r) => r.status === "connected" && Number(r.access_token_expires_at) > Date.now() + 60_000)).toBe(true);
});
