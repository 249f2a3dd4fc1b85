import { describe, expect, it } from "vitest";
import { todayIn } from "../sync/accountDays.js";
import { ACCOUNT_TIME_ZONES, ianaZoneOf, reportTimeZoneOf } from "./timeZones.js";

describe("Microsoft time zones", () => {
  it("names the account's zone in Reporting's spelling, and none (Microsoft's Pacific) for one it does not know", () => {
    expect(reportTimeZoneOf("PacificTimeUSCanadaTijuana")).toBe("PacificTimeUSCanadaTijuana");
    expect(reportTimeZoneOf("KualaLumpurSingapore")).toBe("KualaLumpurSingapore");
    expect(reportTimeZoneOf("AthensBuckarestIstanbul")).toBe("AthensIslandanbulMinsk");
    expect(reportTimeZoneOf("IslamabadKarachiTashkent")).toBe("IslandamabadKarachiTashkent");
    expect(reportTimeZoneOf("NotAZone")).toBeNull();
    expect(reportTimeZoneOf(null)).toBeNull();
  });

  it("counts an account's today in its zone, and in Pacific time (the report's default) for a zone it does not know, never UTC", () => {
    const at = Date.parse("2026-10-02T03:00:00Z");
    expect(todayIn("GuadalajaraMexicoCityMonterrey", at)).toBe("2026-10-01");
    expect(todayIn("KualaLumpurSingapore", at)).toBe("2026-10-02");
    expect(todayIn("NotAZone", at)).toBe("2026-10-01");
    expect(todayIn(null, at)).toBe("2026-10-01");
    // Every zone of the table is one the runtime knows (75: Customer Management v13's TimeZoneType).
    expect(ACCOUNT_TIME_ZONES).toHaveLength(75);
    for (const name of ACCOUNT_TIME_ZONES) expect(() => todayIn(name, at), name).not.toThrow();
    expect(ianaZoneOf("InternationalDateLineWest")).toBe("Etc/GMT+12");
    expect(todayIn("InternationalDateLineWest", at)).toBe("2026-10-01");
  });
});
