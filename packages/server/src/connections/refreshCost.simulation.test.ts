import { expect, it } from "vitest";
import { runRefreshSimulation } from "../testing/refreshSimulation.js";

// The real job, refresher, token budget and token reads under a fake clock, against the Entra
// emulator over HTTP (bench/refresh-sim.ts runs the same at 100,000 connections for a week).

// One simulated day is half the two-day keep-alive period: each hour has the same mix of reads and
// keep-alive refreshes as over the whole period, and half the connections come due, at half the cost.
it("2,000 connections, 1% read each hour, a simulated day of a two-day keep-alive period: requests follow use, not size; no read waits for a refresh that could have run ahead; no connection past its keep-alive", {
  timeout: 120_000,
}, async () => {
  const result = await runRefreshSimulation({
    connections: 2000,
    hours: 24,
    readFractionPerHour: 0.01,
    env: { REFRESH_IDLE_AFTER_SECONDS: String(2 * 86_400) },
  });
  expect(result.readErrors).toBe(0);
  expect(result.perHour.reduce((a, h) => a + h.readsMissedAhead, 0)).toBe(0);
  expect(result.worstKeepAliveOverdueMs).toBe(0);
  expect(result.maxPerMinute).toBeLessThanOrEqual(result.tokenRequestsPerMinuteCap);
  // Keep-alive: each connection once per period, spread (2,000 over two days ≈ 46 an hour).
  const keepAlivePerHour = 2000 / 48 / 0.9;
  for (const h of result.perHour.slice(3)) {
    const expected = h.recentlyRead + h.readsRefreshedOnDemand + keepAlivePerHour;
    expect(h.tokenRequests).toBeGreaterThan(expected * 0.6);
    expect(h.tokenRequests).toBeLessThan(expected * 1.4);
    // Keeping every token fresh would cost about one request per connection an hour.
    expect(h.tokenRequests).toBeLessThan(2000 / 10);
  }
});

it("with demand above TOKEN_REQUESTS_PER_MINUTE the background refreshes never exceed it in any minute, and catch up without bursts", {
  timeout: 120_000,
}, async () => {
  // 600 connections due for keep-alive within a few hours, one request a minute allowed, nobody reading.
  const result = await runRefreshSimulation({
    connections: 600,
    hours: 6,
    readFractionPerHour: 0,
    env: { REFRESH_IDLE_AFTER_SECONDS: String(6 * 3600), TOKEN_REQUESTS_PER_MINUTE: "1" },
  });
  expect(result.maxPerMinute).toBe(1);
  expect(result.perHour.every((h) => h.tokenRequests <= 60)).toBe(true);
  expect(result.perHour.reduce((a, h) => a + h.tokenRequests, 0)).toBeGreaterThan(300);
});
