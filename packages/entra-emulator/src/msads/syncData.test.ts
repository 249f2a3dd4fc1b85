import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adsPair } from "../testing/adsClient.js";
import { CAMPAIGN_TYPES } from "./adsCampaigns.js";
import { dailyMetrics } from "./adsReports.js";

// The data the campaign and performance syncs read: large accounts, campaign changes, late conversions.
let pair: Awaited<ReturnType<typeof adsPair>>;
beforeAll(async () => {
  pair = await adsPair({ reportPollsBeforeReady: 0 });
});
afterAll(() => pair.close());

const report = (accountId: string, start: string, end: string) => {
  const ymd = (d: string) => ({ Year: Number(d.slice(0, 4)), Month: Number(d.slice(5, 7)), Day: Number(d.slice(8, 10)) });
  return {
    ReportRequest: {
      Type: "CampaignPerformanceReportRequest",
      Format: "Csv",
      Aggregation: "Daily",
      ExcludeReportHeader: true,
      ExcludeReportFooter: true,
      Columns: ["TimePeriod", "CampaignId", "Conversions", "Revenue"],
      Scope: { AccountIds: [accountId] },
      Time: { CustomDateRangeStart: ymd(start), CustomDateRangeEnd: ymd(end), ReportTimeZone: "PacificTimeUSCanadaTijuana" },
    },
  };
};

async function download(headers: Record<string, string>, body: unknown): Promise<string[]> {
  const { json } = await pair.call("POST", "/Reporting/v13/GenerateReport/Submit", body, headers);
  const poll = await pair.call("POST", "/Reporting/v13/GenerateReport/Poll", { ReportRequestId: json.ReportRequestId }, headers);
  const zip = new Uint8Array(await (await fetch(poll.json.ReportRequestStatus.ReportDownloadUrl)).arrayBuffer());
  return Buffer.from(Object.values(unzipSync(zip))[0]!)
    .toString("utf8")
    .replace(/^\ufeff/, "")
    .trim()
    .split("\r\n");
}

describe("sync data at the emulator", () => {
  it("a large account has 10,000 campaigns of every type, the same ones every time", async () => {
    const headers = await pair.headersFor("bigcampaigns@contoso.example");
    const body = { AccountId: headers.CustomerAccountId, CampaignType: CAMPAIGN_TYPES.join(" ") };
    const { json } = await pair.call("POST", "/CampaignManagement/v13/Campaigns/QueryByAccountId", body, headers);
    expect(json.Campaigns).toHaveLength(10_000);
    expect(new Set(json.Campaigns.map((c: { CampaignType: string }) => c.CampaignType))).toEqual(new Set(CAMPAIGN_TYPES));
    expect(json.Campaigns[9_999].Name).toBe("Big Campaigns Campaign 10000");
  });

  it("late conversions revise one past day; a rename shows in the next query", async () => {
    const headers = await pair.headersFor("adele@contoso.example");
    const accountId = headers.CustomerAccountId!;
    const [campaign] = pair.ads.campaigns(accountId);
    const before = await download(headers, report(accountId, "2026-10-01", "2026-10-03"));
    pair.ads.addLateConversions(campaign!.Id, "2026-10-02", 3);
    const after = await download(headers, report(accountId, "2026-10-01", "2026-10-03"));
    const changed = after.filter((line, i) => line !== before[i]);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toContain(`"2026-10-02","${campaign!.Id}"`);
    const cells = (line: string) => line.split(",").map((v) => v.replace(/"/g, ""));
    const old = cells(before.find((l) => l.startsWith(`"2026-10-02","${campaign!.Id}"`))!);
    expect(Number(cells(changed[0]!)[2])).toBe(Number(old[2]) + 3);
    expect(Number(cells(changed[0]!)[3])).toBeCloseTo(Number(old[3]) + 150, 2);

    pair.ads.updateCampaign(campaign!.Id, { Name: "Renamed" });
    const { json } = await pair.call("POST", "/CampaignManagement/v13/Campaigns/QueryByAccountId", { AccountId: accountId, CampaignType: "Search" }, headers);
    expect(json.Campaigns[0].Name).toBe("Renamed");
  });

  it("an account's report days are its time zone's: conversions at 03:00 UTC are Pacific's previous day, Tokyo's same day", async () => {
    const username = "tencampaigns@contoso.example";
    const headers = await pair.headersFor(username);
    const accountId = headers.CustomerAccountId!;
    const [campaign] = pair.ads.campaigns(accountId);
    const cells = (line: string) => line.split(",").map((v) => v.replace(/"/g, ""));
    const row = (lines: string[], day: string) => cells(lines.find((l) => l.startsWith(`"${day}","${campaign!.Id}"`))!);
    const days = async () => await download(headers, report(accountId, "2026-10-01", "2026-10-02"));

    expect(pair.ads.accounts(username)[0]!.TimeZone).toBe("PacificTimeUSCanadaTijuana");
    const before = await days();
    expect(row(before, "2026-10-01")[2]).toBe(String(dailyMetrics(campaign!.Id, "2026-10-01", "PacificTimeUSCanadaTijuana").conversions));
    pair.ads.addConversionsAt(campaign!.Id, "2026-10-02T03:00:00Z", 4);
    const after = await days();
    expect(after.filter((line, i) => line !== before[i])).toEqual([expect.stringContaining(`"2026-10-01","${campaign!.Id}"`)]);
    expect(Number(row(after, "2026-10-01")[2])).toBe(Number(row(before, "2026-10-01")[2]) + 4);

    // The same account in Tokyo: other hours make each day, and the conversions are the 2nd's.
    pair.ads.updateAccount(accountId, { TimeZone: "OsakaSapporoTokyo" });
    const tokyo = await days();
    expect(row(tokyo, "2026-10-01")[2]).toBe(String(dailyMetrics(campaign!.Id, "2026-10-01", "OsakaSapporoTokyo").conversions));
    expect(Number(row(tokyo, "2026-10-02")[2])).toBe(dailyMetrics(campaign!.Id, "2026-10-02", "OsakaSapporoTokyo").conversions + 4);
    expect(() => pair.ads.updateAccount(accountId, { TimeZone: "Atlantis" })).toThrow(/knows no time zone Atlantis/);
  });
});
