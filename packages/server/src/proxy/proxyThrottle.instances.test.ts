import { expect, it } from "vitest";
import type { RunningServer } from "../server.js";
import type { Harness } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";
import { codeOf, connectUser } from "../testing/proxyTesting.js";
import { twoInstancesForFile } from "../testing/twoInstances.js";

// Two instances on one database: a customer's hold after 117 is honoured by both.
let h: Harness;
let b: RunningServer;
twoInstancesForFile({ REFRESH_AHEAD: "off", PRUNE: "off", ACCOUNT_SYNC: "off" }, (first, second) => {
  h = first;
  b = second;
});

const QUERY = "/CampaignManagement/v13/Campaigns/QueryByAccountId";

/** A proxied campaign query for the connection's selected account, through one instance. */
async function query(serverUrl: string, connectionId: string, accountId: string) {
  const res = await httpRequest(`${serverUrl}/proxy${QUERY}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${h.secretKey}`,
      "connection-id": connectionId,
      "provider-config-key": "microsoft-ads",
      "content-type": "application/json",
    },
    body: JSON.stringify({ AccountId: accountId }),
  });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), json: JSON.parse(res.text) as unknown };
}

it("117: a 429 with Retry-After to the caller, then no calls to Microsoft for that customer from either instance until the window passes", async () => {
  const id = await connectUser(h, "three@contoso.example");
  const other = await connectUser(h, "adele@contoso.example");
  const account = h.ads.accounts("three@contoso.example")[0]!;
  const otherAccount = h.ads.accounts("adele@contoso.example")[0]!;
  h.ads.throttle(2);
  expect((await query(h.server.url, id, account.Id)).status).toBe(200);
  expect((await query(b.url, id, account.Id)).status).toBe(200);
  const throttled = await query(h.server.url, id, account.Id);
  expect(throttled).toMatchObject({
    status: 429,
    retryAfter: "60",
    json: { error: { code: "msads_rate_limited", msads: { codes: [117], tracking_id: expect.any(String) } } },
  });

  // Three concurrent callers on each instance: all held here, none reaches Microsoft.
  const calls = h.ads.callCount();
  const held = await Promise.all([h.server.url, h.server.url, h.server.url, b.url, b.url, b.url].map((url) => query(url, id, account.Id)));
  for (const res of held) {
    expect([res.status, codeOf(res.json)]).toEqual([429, "msads_rate_limited"]);
    expect(Number(res.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(res.retryAfter)).toBeLessThanOrEqual(60);
  }
  expect(h.ads.callCount()).toBe(calls);

  // Another customer is not held.
  expect((await query(b.url, other, otherAccount.Id)).status).toBe(200);

  // The window passes (the hold's end moved to now: the clock is not waited for) and Microsoft lets calls through again.
  h.ads.throttle(null);
  await h.server.db
    .updateTable("proxy_holds")
    .set({ until: Date.now() - 1 })
    .where("customer_key", "=", account.ParentCustomerId)
    .execute();
  expect((await query(b.url, id, account.Id)).status).toBe(200);
  expect(h.ads.callCount()).toBe(calls + 2);
  // The pruning job deletes ended holds.
  expect((await h.server.prune.runOnce()).proxyHolds).toBe(1);
  expect(await h.server.db.selectFrom("proxy_holds").select("customer_key").execute()).toEqual([]);
});

it("3 concurrent callers when Microsoft starts throttling: each reaches it at most once, later ones not at all", async () => {
  const id = await connectUser(h, "agency@contoso.example");
  const account = h.ads.accounts("agency@contoso.example")[0]!;
  h.ads.throttle(0);
  const before = h.ads.callCount();
  const first = await Promise.all([h.server.url, b.url, h.server.url].map((url) => query(url, id, account.Id)));
  expect(first.map((r) => [r.status, codeOf(r.json)])).toEqual(Array(3).fill([429, "msads_rate_limited"]));
  const reached = h.ads.callCount() - before;
  expect(reached).toBeGreaterThanOrEqual(1);
  expect(reached).toBeLessThanOrEqual(3);
  const later = await Promise.all([h.server.url, b.url, b.url].map((url) => query(url, id, account.Id)));
  expect(later.map((r) => r.status)).toEqual([429, 429, 429]);
  expect(h.ads.callCount() - before).toBe(reached);
  h.ads.throttle(null);
});
