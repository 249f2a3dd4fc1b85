import { WebhookDeliveriesResponseSchema } from "@ads-connect/shared";
import { afterEach, expect, it } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const revoked = {
  status: 400,
  error: "invalid_grant",
  aadsts: 50173,
  description: "The provided grant has expired due to it being revoked, a fresh auth token is needed.",
};

it("a refresh that fails after a reconnect leaves the reconnected connection connected and reports nothing", async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
  const { result } = await connectAs(h, "adele@contoso.example");
  if (result.type !== "ads-connect:success") throw new Error("connect failed");
  const id = result.connection_id;

  // A refresh starts; Microsoft's answer (the grant is dead) is on its way but held back.
  h.emulator.injectTokenErrors("refresh_token", [revoked]);
  const hold = h.emulator.holdNextTokenResponse("refresh_token");
  const inFlight = h.api("GET", `/connections/${id}?force_refresh=true`);
  await hold.held;

  // Meanwhile the end user reconnects the same account: new tokens, the widget says success.
  const session = await h.api("POST", "/connect/sessions/reconnect", { connection_id: id, integration_id: "microsoft-ads" });
  const token = (session.json as { data: { token: string } }).data.token;
  const reconnected = await connectAs(h, "adele@contoso.example", { token });
  expect(reconnected.result).toMatchObject({ type: "ads-connect:success", connection_id: id, operation: "override" });

  // Now the old refresh's failure arrives: it belongs to credentials that no longer exist.
  hold.release();
  const late = await inFlight;
  expect(late.status).toBe(200);
  const lateToken = (late.json as { credentials: { access_token: string } }).credentials.access_token;
  expect(h.emulator.isAccessTokenValid(lateToken)).toBe(true);

  const read = await h.api("GET", `/connections/${id}`);
  expect(read.status).toBe(200);
  expect(read.json).toMatchObject({ status: "connected", errors: [], credentials: { access_token: lateToken } });
  const listed = (await h.api("GET", `/connections?connectionId=${id}`)).json as { connections: { status: string }[] };
  expect(listed.connections[0]?.status).toBe("connected");
  // The refresher's writes happen in the same transaction as its webhook: the outbox is the whole story.
  const deliveries = WebhookDeliveriesResponseSchema.parse((await h.api("GET", "/webhooks/deliveries")).json).deliveries;
  expect(deliveries.map((d) => `${d.operation}:${d.success}`).sort()).toEqual(["creation:true", "override:true"]);
  expect(h.slack.received).toHaveLength(0);
  // And a refresh now works with the reconnected grant.
  const forced = await h.api("GET", `/connections/${id}?force_refresh=true`);
  expect(forced.status).toBe(200);
});
