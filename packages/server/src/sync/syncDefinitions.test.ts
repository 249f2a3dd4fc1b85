import { describe, expect, it } from "vitest";
import { addDays, chunks, todayIn } from "./accountDays.js";
import { formatFrequency, parseFrequency } from "./syncDefinitions.js";

describe("sync frequencies and days", () => {
  it("reads Nango's frequency strings and refuses what is too often or unreadable", () => {
    expect(parseFrequency("every 2 hours")).toBe(7200);
    expect(parseFrequency("every hour")).toBe(3600);
    expect(parseFrequency("30 minutes")).toBe(1800);
    expect(parseFrequency("1d")).toBe(86_400);
    expect(() => parseFrequency("every 2 seconds")).toThrow(/between 5 minutes and 30 days/);
    expect(() => parseFrequency("often")).toThrow(/every 2 hours/);
    expect(formatFrequency(21_600)).toBe("every 6 hours");
    expect(formatFrequency(3600)).toBe("every hour");
  });

  it("counts days in the account's time zone and splits long ranges into years", () => {
    const t = Date.parse("2026-12-07T03:00:00Z");
    expect(todayIn("PacificTimeUSCanadaTijuana", t)).toBe("2026-12-06");
    // A zone ads-connect does not know: the report names none, and Microsoft counts in Pacific time.
    expect(todayIn("UnknownZone", t)).toBe("2026-12-06");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(chunks("2024-01-01", "2026-12-31", 365).map((c) => c.start)).toEqual(["2024-01-01", "2024-12-31", "2025-12-31", "2026-12-31"]);
  });
});
