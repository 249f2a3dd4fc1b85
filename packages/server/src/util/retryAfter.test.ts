import { describe, expect, it } from "vitest";
import { retryAfterMs } from "./retryAfter.js";

describe("retryAfterMs", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it("reads delay-seconds and HTTP dates, unclamped and never negative", () => {
    expect(retryAfterMs("120", now)).toBe(120_000);
    expect(retryAfterMs(" 5 ", now)).toBe(5_000);
    expect(retryAfterMs("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("Tue, 31 Dec 2024 23:59:00 GMT", now)).toBe(0);
    expect(retryAfterMs("3153600000", now)).toBe(3_153_600_000_000);
  });
  it("is null when absent or unreadable", () => {
    for (const value of [null, undefined, "", "  ", "soon"]) expect(retryAfterMs(value, now)).toBeNull();
  });
});
