import { describe, expect, it } from "vitest";
import { dailyMetrics, parseReportRequest } from "./adsReports.js";
import { dayIn, dayStart, hoursOfDay } from "./adsTimeZones.js";

const PACIFIC = "PacificTimeUSCanadaTijuana";

describe("Microsoft time zones at the emulator", () => {
  it("puts an instant on the zone's day and starts days at the zone's midnight, daylight saving included", () => {
    expect(dayIn(Date.parse("2026-10-02T03:00:00Z"), PACIFIC)).toBe("2026-10-01");
    expect(dayIn(Date.parse("2026-10-02T03:00:00Z"), "OsakaSapporoTokyo")).toBe("2026-10-02");
    expect(dayIn(Date.parse("2026-10-01T20:00:00Z"), "OsakaSapporoTokyo")).toBe("2026-10-02");
    expect(new Date(dayStart("2026-10-01", PACIFIC)).toISOString()).toBe("2026-10-01T07:00:00.000Z");
    expect(new Date(dayStart("2026-12-01", PACIFIC)).toISOString()).toBe("2026-12-01T08:00:00.000Z");
    expect(new Date(dayStart("2026-10-01", "ChennaiKolkataMumbaiNewDelhi")).toISOString()).toBe("2026-09-30T18:30:00.000Z");
    const length = (day: string, zone: string) => {
      const [from, to] = hoursOfDay(day, zone);
      return to - from;
    };
    // US daylight saving 2026: starts March 8, ends November 1.
    expect([length("2026-03-08", PACIFIC), length("2026-10-01", PACIFIC), length("2026-11-01", PACIFIC)]).toEqual([23, 24, 25]);
    expect(() => dayIn(0, "Mars")).toThrow(/knows no time zone Mars/);
  });

  it("a day's numbers are the hours its zone puts in it: the same campaign's day differs by zone", () => {
    const pacific = dailyMetrics("400000000001", "2026-10-01", PACIFIC);
    const tokyo = dailyMetrics("400000000001", "2026-10-01", "OsakaSapporoTokyo");
    expect(pacific).not.toEqual(tokyo);
    expect(dailyMetrics("400000000001", "2026-10-01", PACIFIC)).toEqual(pacific);
    // A conversion at 03:00 UTC on the 2nd is Pacific's 1st and Tokyo's 2nd.
    const late = [{ at: Date.parse("2026-10-02T03:00:00Z"), conversions: 2 }];
    expect(dailyMetrics("400000000001", "2026-10-01", PACIFIC, late).conversions).toBe(pacific.conversions + 2);
    expect(dailyMetrics("400000000001", "2026-10-02", PACIFIC, late)).toEqual(dailyMetrics("400000000001", "2026-10-02", PACIFIC));
    expect(dailyMetrics("400000000001", "2026-10-02", "OsakaSapporoTokyo", late).conversions).toBe(
      dailyMetrics("400000000001", "2026-10-02", "OsakaSapporoTokyo").conversions + 2,
    );
  });

  it("accepts Reporting's ReportTimeZone spellings only (Athens: AthensIslandanbulMinsk, not the account's AthensBuckarestIstanbul)", () => {
    const request = (zone: string) => ({
      ReportRequest: {
        Type: "CampaignPerformanceReportRequest",
        Aggregation: "Daily",
        Columns: ["TimePeriod"],
        Scope: { AccountIds: ["1"] },
        Time: { CustomDateRangeStart: { Day: 1, Month: 10, Year: 2026 }, CustomDateRangeEnd: { Day: 1, Month: 10, Year: 2026 }, ReportTimeZone: zone },
      },
    });
    expect(parseReportRequest(request("AthensIslandanbulMinsk")).reportTimeZone).toBe("AthensIslandanbulMinsk");
    expect(() => parseReportRequest(request("AthensBuckarestIstanbul"))).toThrow(
      expect.objectContaining({ detail: expect.stringMatching(/not a ReportTimeZone/) }),
    );
  });
});
