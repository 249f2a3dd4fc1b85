import { setTimeout as sleep } from "node:timers/promises";
import { type CampaignPerformanceDaily, performanceRecordId } from "@ads-connect/shared";
import { z } from "zod";
import { AppError } from "../errors.js";
import { decimal } from "./campaignManagement.js";
import { MsAdsError } from "./MsAdsError.js";
import type { MsAdsCallContext } from "./msadsCall.js";
import type { MsAdsClient } from "./msadsClient.js";
import { reportRecords } from "./reportCsv.js";
import { downloadReport, type ReportDownloadOptions } from "./reportDownload.js";
import { reportTimeZoneOf } from "./timeZones.js";

const COLUMNS = ["TimePeriod", "AccountId", "CampaignId", "CurrencyCode", "Impressions", "Clicks", "Spend", "Conversions", "Revenue"] as const;
const PollSchema = z.object({ ReportRequestStatus: z.object({ Status: z.string(), ReportDownloadUrl: z.string().nullish() }) });
const FIRST_POLL_DELAY_MS = 250;
const MAX_POLL_DELAY_MS = 15_000;

export interface PerformanceRange {
  accountId: string;
  customerId: string;
  /** The account's time zone: days are the account's days. */
  timeZone: string | null;
  currency: string | null;
  /** `YYYY-MM-DD`, both included. */
  start: string;
  end: string;
}

const ymd = (d: string) => ({ Year: Number(d.slice(0, 4)), Month: Number(d.slice(5, 7)), Day: Number(d.slice(8, 10)) });
const count = (v: string | undefined) => Math.round(Number((v ?? "").replace(/[,%]/g, "")) || 0);
const amount = (v: string | undefined) => decimal(Number((v ?? "").replace(/,/g, "")) || 0);
/** Conversions may be fractional: kept as Microsoft wrote them, trimmed of needless zeros. */
const conversions = (v: string | undefined) => String(Number((v ?? "").replace(/,/g, "")) || 0);

/**
 * Reporting v13's CampaignPerformanceReportRequest, Daily, for one account and date range in the
 * account's time zone: submits, polls with backoff (up to `timeoutMs`), streams the zipped CSV and
 * yields its rows as records in batches, so memory holds one batch whatever the report's size.
 */
export async function* dailyPerformance(
  client: MsAdsClient,
  range: PerformanceRange,
  context: MsAdsCallContext,
  download: ReportDownloadOptions,
  timeoutMs: number,
): AsyncGenerator<CampaignPerformanceDaily[], void, undefined> {
  const account = { ...context, customerId: range.customerId, accountId: range.accountId };
  const submitted = await client.post(
    "/Reporting/v13/GenerateReport/Submit",
    {
      ReportRequest: {
        Type: "CampaignPerformanceReportRequest",
        ReportName: "ads-connect campaign-performance-daily sync",
        Format: "Csv",
        ExcludeReportHeader: true,
        ExcludeReportFooter: true,
        ExcludeColumnHeaders: false,
        ReturnOnlyCompleteData: false,
        Aggregation: "Daily",
        Columns: COLUMNS,
        Scope: { AccountIds: [range.accountId], AdGroups: null, Campaigns: null },
        Time: {
          CustomDateRangeStart: ymd(range.start),
          CustomDateRangeEnd: ymd(range.end),
          PredefinedTime: null,
          ReportTimeZone: reportTimeZoneOf(range.timeZone),
        },
      },
    },
    account,
  );
  const id = z.object({ ReportRequestId: z.string().min(1) }).safeParse(submitted);
  if (!id.success)
    throw new MsAdsError("invalid_response", "Microsoft Advertising GenerateReport/Submit answered without a ReportRequestId", {
      operation: "GenerateReport/Submit",
    });
  const deadline = Date.now() + timeoutMs;
  let url: string | null = null;
  for (let wait = FIRST_POLL_DELAY_MS; ; wait = Math.min(wait * 2, MAX_POLL_DELAY_MS)) {
    const poll = PollSchema.safeParse(await client.post("/Reporting/v13/GenerateReport/Poll", { ReportRequestId: id.data.ReportRequestId }, account));
    if (!poll.success)
      throw new MsAdsError("invalid_response", "Microsoft Advertising GenerateReport/Poll answered an unexpected shape", { operation: "GenerateReport/Poll" });
    const { Status, ReportDownloadUrl } = poll.data.ReportRequestStatus;
    if (Status === "Success") {
      url = ReportDownloadUrl ?? null;
      break;
    }
    if (Status === "Error")
      throw new AppError("report_failed", "Microsoft Advertising could not build the performance report (PollGenerateReport Status Error)", 502);
    if (Date.now() + wait > deadline)
      throw new AppError("msads_timeout", `Microsoft Advertising did not finish the performance report within ${Math.round(timeoutMs / 1000)} s`, 504);
    await sleep(wait, undefined, context.signal ? { signal: context.signal } : undefined);
  }
  // No download URL: the report has no rows.
  if (url === null) return;
  let index: Record<string, number> | null = null;
  const signal = AbortSignal.timeout(download.timeoutMs);
  for await (const batch of reportRecords(downloadReport(url, download, signal), download.maxCsvBytes)) {
    const out: CampaignPerformanceDaily[] = [];
    for (const cells of batch) {
      if (!index) {
        index = Object.fromEntries(cells.map((name, i) => [name.replace(/^\ufeff/, ""), i]));
        continue;
      }
      const cell = (name: (typeof COLUMNS)[number]) => cells[index![name]!];
      const date = cell("TimePeriod") ?? "";
      const campaignId = cell("CampaignId") ?? "";
      // Anything but a day's row (a footer Microsoft added anyway) is skipped.
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d+$/.test(campaignId)) continue;
      out.push({
        id: performanceRecordId(range.accountId, campaignId, date),
        date,
        account_id: range.accountId,
        campaign_id: campaignId,
        impressions: count(cell("Impressions")),
        clicks: count(cell("Clicks")),
        spend: amount(cell("Spend")),
        conversions: conversions(cell("Conversions")),
        revenue: amount(cell("Revenue")),
        currency: cell("CurrencyCode") || range.currency,
      });
    }
    if (out.length > 0) yield out;
  }
}
