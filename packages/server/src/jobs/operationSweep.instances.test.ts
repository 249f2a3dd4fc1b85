import { expect, it } from "vitest";
import { OperationLog } from "../oplog/operationLog.js";
import type { RunningServer } from "../server.js";
import { BrowserClient } from "../testing/browserClient.js";
import type { Harness } from "../testing/harness.js";
import { twoInstancesForFile } from "../testing/twoInstances.js";

// Two instances on one database, each with its pruning job (passes started by hand at a chosen time).
let h: Harness;
let b: RunningServer;
twoInstancesForFile({ REFRESH_AHEAD: "off", PRUNE: "off", ACCOUNT_SYNC: "off", SYNCS: "off" }, (first, second) => {
  h = first;
  b = second;
});

it("passes on two instances at once end each abandoned sign-in and each operation a stopped instance left once, with one message each", async () => {
  // Popups opened on either instance and closed on the start page.
  for (let i = 0; i < 6; i++) {
    const session = (await h.api("POST", "/connect/sessions", { end_user: { id: `sweep-${i}` } })).json as { data: { token: string } };
    const start = h.startUrl(session.data.token).replace(h.server.url, i % 2 === 0 ? h.server.url : b.url);
    expect((await new BrowserClient().get(start)).status).toBe(200);
  }
  const killed = new OperationLog(h.server.services.stores.operations, null);
  const left = Array.from({ length: 25 }, (_, i) => killed.start({ type: "proxy", action: "call", endUserId: `sweep-proxy-${i}` }));
  await Promise.all([h.server.services.operations.flush(), b.services.operations.flush(), killed.flush()]);

  const at = Date.now() + 2 * 3_600_000;
  const [x, y] = await Promise.all([h.server.prune.runOnce(at), b.prune.runOnce(at)]);
  expect(x.abandonedConnects + y.abandonedConnects).toBe(6);
  expect(x.interruptedOperations + y.interruptedOperations).toBe(left.length);
  const running = await h.server.db.selectFrom("operations").select("id").where("state", "=", "running").execute();
  expect(running).toEqual([]);
  const notes = await h.server.db.selectFrom("operation_messages").select("operation_id").where("message", "like", "Ended by the server%").execute();
  expect(notes).toHaveLength(6 + left.length);
  expect(new Set(notes.map((n) => n.operation_id)).size).toBe(notes.length);
});
