import { WebhookDeliveriesResponseSchema } from "@ads-connect/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";

let h: Harness;
/** End user id → connection id, each connected over the real flow. */
const connections = new Map<string, string>();

beforeAll(async () => {
  h = await startHarness();
  const endUsers: [string, string | null][] = [
    ["user_42", "org_1"],
    ["userA42", "orgA1"],
    ["100%_sure", null],
    ["back\\slash", null],
  ];
  for (const [id, organization] of endUsers) {
    const { token } = await h.createSession({ end_user: { id }, ...(organization ? { organization: { id: organization } } : {}) });
    const { result } = await connectAs(h, "adele@contoso.example", { token });
    if (result.type !== "ads-connect:success") throw new Error(`connect failed for ${id}`);
    connections.set(id, result.connection_id);
  }
  await h.webhooks.waitFor(endUsers.length);
});
afterAll(() => h.close());

const endUsersFound = async (query: string) => {
  const res = await h.api("GET", `/connections?${query}`);
  expect(res.status, res.text).toBe(200);
  return (res.json as { connections: { end_user: { id: string } }[] }).connections.map((c) => c.end_user.id).sort();
};

const deliveriesFor = async (connectionId: string) => {
  const res = await h.api("GET", `/webhooks/deliveries?${new URLSearchParams({ connectionId })}`);
  expect(res.status, res.text).toBe(200);
  return WebhookDeliveriesResponseSchema.parse(res.json).deliveries.map((d) => d.connection_id);
};

describe("search and filters take %, _ and \\ literally", () => {
  it.each([
    ["user_42", ["user_42"]],
    ["_", ["100%_sure", "user_42"]],
    ["%", ["100%_sure"]],
    ["%_", ["100%_sure"]],
    ["\\", ["back\\slash"]],
    ["back\\slash", ["back\\slash"]],
    ["user%42", []],
  ])("?search=%s finds exactly %j", async (search, expected) => {
    expect(await endUsersFound(new URLSearchParams({ search }).toString())).toEqual(expected);
  });

  it("?endUserOrganizationId matches the organization id exactly", async () => {
    expect(await endUsersFound("endUserOrganizationId=org_1")).toEqual(["user_42"]);
    expect(await endUsersFound("endUserOrganizationId=%25")).toEqual([]);
    expect(await endUsersFound("endUserOrganizationId=org%25")).toEqual([]);
  });

  it("webhooks/deliveries?connectionId matches one connection exactly", async () => {
    const id = connections.get("user_42")!;
    expect(await deliveriesFor(id)).toEqual([id]);
    expect(await deliveriesFor("%")).toEqual([]);
    expect(await deliveriesFor(`${id.slice(0, 8)}%`)).toEqual([]);
    expect(await deliveriesFor(`${id.slice(0, -1)}_`)).toEqual([]);
    expect(await deliveriesFor(id.toUpperCase())).toEqual([]);
  });
});
