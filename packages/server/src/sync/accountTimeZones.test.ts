import { dailyMetrics } from "@ads-connect/entra-emulator";
import { CAMPAIGN_PERFORMANCE_DAILY_MODEL, CampaignPerformanceDailyRecordSchema, CONNECT_SUCCESS, RecordsResponseSchema } from "@ads-connect/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";
import { addDays, todayIn } from "./accountDays.js";

// Daily performance in each account's time zone, as Microsoft counts a report's days: the sync's
// window ends on the account's today, and a conversion's day is the account's day.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { SYNCS: "off", SYNC_BACKFILL_DAYS: "4", SYNC_LOOKBACK_DAYS: "2" }, ads: { reportPollsBeforeReady: 0 } });
});
afterAll(() => h.close());

const username = "three@contoso.example";
const PACIFIC = "PacificTimeUSCanadaTijuana";
const TOKYO = "OsakaSapporoTokyo";
const ATHENS = "AthensBuckarestIstanbul";

async function records(connectionId: string) {
  const res = await h.api("GET", `/records?model=${CAMPAIGN_PERFORMANCE_DAILY_MODEL}&limit=1000`, undefined, {
    "Connection-Id": connectionId,
    "Provider-Config-Key": "microsoft-ads",
  });
  expect(res.status).toBe(200);
  return RecordsResponseSchema.parse(res.json).records.map((r) => CampaignPerformanceDailyRecordSchema.parse(r));
}

describe("daily performance in the account's time zone", () => {
  it("a conversion at 03:00 UTC is Pacific's previous day and Tokyo's same day; each account's days end on its today", async () => {
    const [pacific, tokyo, athens] = h.ads.accounts(username);
    h.ads.updateAccount(tokyo!.Id, { TimeZone: TOKYO });
    h.ads.updateAccount(athens!.Id, { TimeZone: ATHENS });
    // Two days ago at 03:00 UTC: inside the backfill whatever the zone.
    const utcDay = addDays(new Date().toISOString().slice(0, 10), -2);
    const at = `${utcDay}T03:00:00Z`;
    const [pacificCampaign] = h.ads.campaigns(pacific!.Id);
    const [tokyoCampaign] = h.ads.campaigns(tokyo!.Id);
    h.ads.addConversionsAt(pacificCampaign!.Id, at, 5);
    h.ads.addConversionsAt(tokyoCampaign!.Id, at, 5);
    const late = [{ at: Date.parse(at), conversions: 5 }];

    const before = Date.now();
    const { result } = await connectAs(h, username);
    if (result.type !== CONNECT_SUCCESS) throw new Error(`connect failed: ${JSON.stringify(result)}`);
    expect(await h.server.syncJob.runOnce()).toBe(2);
    const after = Date.now();
    const days = await records(result.connection_id);
    const day = (accountId: string, campaignId: string, date: string) => days.find((r) => r.id === `${accountId}:${campaignId}:${date}`);

    // Pacific: the 03:00 UTC conversions are the previous day's.
    const previous = addDays(utcDay, -1);
    expect(Number(day(pacific!.Id, pacificCampaign!.Id, previous)!.conversions)).toBe(dailyMetrics(pacificCampaign!.Id, previous, PACIFIC, late).conversions);
    expect(dailyMetrics(pacificCampaign!.Id, previous, PACIFIC, late).conversions).toBe(dailyMetrics(pacificCampaign!.Id, previous, PACIFIC).conversions + 5);
    expect(Number(day(pacific!.Id, pacificCampaign!.Id, utcDay)!.conversions)).toBe(dailyMetrics(pacificCampaign!.Id, utcDay, PACIFIC).conversions);
    // Tokyo: the same instant is that day's, and the account's days are Tokyo's.
    expect(Number(day(tokyo!.Id, tokyoCampaign!.Id, utcDay)!.conversions)).toBe(dailyMetrics(tokyoCampaign!.Id, utcDay, TOKYO).conversions + 5);
    expect(day(tokyo!.Id, tokyoCampaign!.Id, previous)!.impressions).toBe(dailyMetrics(tokyoCampaign!.Id, previous, TOKYO).impressions);

    // Each account's window: the backfill's days up to its own today.
    for (const [account, zone] of [
      [pacific!, PACIFIC],
      [tokyo!, TOKYO],
      [athens!, ATHENS],
    ] as const) {
      const dates = [...new Set(days.filter((r) => r.account_id === account.Id).map((r) => r.date))].sort();
      expect([todayIn(zone, before), todayIn(zone, after)]).toContain(dates.at(-1));
      expect(dates).toEqual([3, 2, 1, 0].map((n) => addDays(dates.at(-1)!, -n)));
    }
    // Reporting spells Athens' zone its own way (Customer Management's name would be refused).
    const zones = h.ads.requests
      .filter((r) => r.operation === "GenerateReport/Submit")
      .map((r) => (r.body as { ReportRequest: { Time: { ReportTimeZone: string } } }).ReportRequest.Time.ReportTimeZone);
    expect(new Set(zones)).toEqual(new Set([PACIFIC, TOKYO, "AthensIslandanbulMinsk"]));
  });
});
