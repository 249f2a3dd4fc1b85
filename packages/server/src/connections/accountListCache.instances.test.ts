import { expect, it } from "vitest";
import type { RunningServer } from "../server.js";
import { connectAs, type Harness } from "../testing/harness.js";
import { twoInstancesForFile } from "../testing/twoInstances.js";

// Two instances on one database: token reads on A keep parsed account lists; a sync on B must show at once.
let h: Harness;
let b: RunningServer;
twoInstancesForFile({ ACCOUNT_SYNC: "off" }, (first, second) => {
  h = first;
  b = second;
});

const accountNames = async (connectionId: string) => {
  const res = await h.api("GET", `/connections/${encodeURIComponent(connectionId)}`);
  expect(res.status).toBe(200);
  return (res.json as { accounts: { id: string; name: string | null }[] }).accounts.map((a) => a.name);
};

it("a token read shows the accounts another instance's sync just wrote (the parsed lists a process keeps follow the row)", async () => {
  const username = "three@contoso.example";
  const { result } = await connectAs(h, username);
  if (result.type !== "ads-connect:success") throw new Error(`connect failed: ${JSON.stringify(result)}`);
  const id = result.connection_id;
  const before = await accountNames(id);
  expect(before).toHaveLength(3);
  expect(await accountNames(id)).toEqual(before);

  const [first] = h.ads.accounts(username);
  h.ads.renameAccount(first!.Id, "Renamed on the other instance");
  h.ads.addAccount(username, { Name: "Added on the other instance" });
  const sync = await fetch(`${b.url}/connections/${encodeURIComponent(id)}/sync`, { method: "POST", headers: { authorization: `Bearer ${h.secretKey}` } });
  expect(sync.status).toBeLessThan(300);

  const after = await accountNames(id);
  expect(after).toHaveLength(4);
  expect(after).toContain("Renamed on the other instance");
  expect(after).toContain("Added on the other instance");
});
