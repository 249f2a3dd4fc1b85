import { afterEach, expect, it, vi } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";
import { NoTokenBudget } from "./refreshFailures.js";

let h: Harness | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
  h = undefined;
});

it("a forced read that joins a background refresh refused by the token budget refreshes on its own and answers 200 (chaos run: it answered 500)", async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off", TOKEN_REQUESTS_PER_MINUTE: "1" } });
  const { result } = await connectAs(h, "adele@contoso.example");
  if (result.type !== "ads-connect:success") throw new Error(`connect failed: ${JSON.stringify(result)}`);
  const id = result.connection_id;
  const { services } = h.server;
  const row = await services.stores.connections.findByConnectionId(id);
  if (!row) throw new Error("connection row missing");
  const before = await h.api("GET", `/connections/${id}`);
  const oldToken = (before.json as { credentials: { access_token: string } }).credentials.access_token;

  // The budget is spent, this minute and the next (a minute boundary during the test changes nothing).
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  for (const start of [minute, minute + 60_000]) await services.stores.tokenBudget.count(start);
  // Another instance holds the connection's refresh lease: the background refresh waits for it, in flight.
  await services.stores.leases.acquire(id, "another-instance", 60_000);
  const refresh = vi.spyOn(services.refresher, "refresh");
  const background = services.refresher.refresh(row, "ahead");
  background.catch(() => {});

  // A forced read joins it.
  const read = h.api("GET", `/connections/${id}?force_refresh=true`);
  await vi.waitFor(() => expect(refresh).toHaveBeenCalledWith(expect.anything(), "forced"), { timeout: 5_000, interval: 20 });
  const refreshesBefore = h.emulator.stats.tokenRequests.refresh_token;

  // The lease is released without new tokens: the background refresh takes it and is refused by the budget.
  await services.stores.leases.release(id, "another-instance");
  await expect(background).rejects.toBeInstanceOf(NoTokenBudget);

  // The reader does not inherit that refusal: it refreshes on its own (counted, never refused).
  const answer = await read;
  expect(answer.status, answer.text).toBe(200);
  const fresh = (answer.json as { credentials: { access_token: string } }).credentials.access_token;
  expect(fresh).not.toBe(oldToken);
  expect(h.emulator.isAccessTokenValid(fresh)).toBe(true);
  expect(h.emulator.stats.tokenRequests.refresh_token - refreshesBefore).toBe(1);
});
