import { setTimeout as sleep } from "node:timers/promises";
import { strFromU8, unzipSync } from "fflate";
import { z } from "zod";
import { ActionError, defineAction, type ActionContext } from "../../actions.js";
import { parseCsv } from "./parseCsv.js";
import { accountInput } from "./msadsInput.js";

const DAY = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD").refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "must be a real date");
/** Largest report download read (a zipped CSV). */
const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;
/** Waits between polls: from half a second, doubling, at most 15 s. */
const FIRST_POLL_DELAY_MS = 500;
const MAX_POLL_DELAY_MS = 15_000;

const COLUMNS = ["AccountId", "CampaignId", "CampaignName", "CampaignStatus", "CurrencyCode", "Impressions", "Clicks", "Ctr", "AverageCpc", "Spend", "Conversions", "Revenue"] as const;

const RowSchema = z.object({
  /** The day (Daily aggregation), else null. */
  time_period: z.string().nullable(),
  account_id: z.string(),
  campaign_id: z.string(),
  campaign_name: z.string(),
  campaign_status: z.string(),
  currency_code: z.string(),
  impressions: z.number(),
  clicks: z.number(),
  /** Click-through rate in percent. */
  ctr: z.number(),
  average_cpc: z.number(),
  spend: z.number(),
  conversions: z.number(),
  revenue: z.number(),
});

const PollSchema = z.object({ ReportRequestStatus: z.object({ Status: z.string(), ReportDownloadUrl: z.string().nullish() }) });

const num = (v: string | undefined) => Number((v ?? "").replace(/[,%]/g, "")) || 0;
const ymd = (d: string) => {
  const [Year, Month, Day] = d.split("-").map(Number);
  return { Day, Month, Year };
};

/**
 * Reporting v13: submits a CampaignPerformanceReportRequest (the date range, or Microsoft's
 * Last30Days in the account's time zone), polls with backoff until Success, downloads the zipped
 * CSV and returns its rows as JSON.
 */
export const getPerformanceReport = defineAction({
  name: "get-performance-report",
  description: "Campaign performance (impressions, clicks, spend, conversions, revenue) of one account for a date range (default: the last 30 days), per campaign or per campaign and day.",
  input: z
    .object({
      ...accountInput,
      start_date: DAY.optional(),
      end_date: DAY.optional(),
      aggregation: z.enum(["Summary", "Daily"]).default("Summary"),
      /** How long to wait for Microsoft to build the report. */
      timeout_seconds: z.number().int().min(5).max(900).default(300),
    })
    .refine((i) => (i.start_date === undefined) === (i.end_date === undefined), { message: "give both start_date and end_date, or neither (the last 30 days)", path: ["end_date"] })
    .refine((i) => !i.start_date || !i.end_date || i.start_date <= i.end_date, { message: "end_date is before start_date", path: ["end_date"] }),
  output: z.object({
    report_request_id: z.string(),
    account_id: z.string(),
    aggregation: z.enum(["Summary", "Daily"]),
    start_date: z.string().nullable(),
    end_date: z.string().nullable(),
    rows: z.array(RowSchema),
  }),
  async run(ctx, input) {
    const account = ctx.accounts.get(input.account_id);
    const columns = input.aggregation === "Daily" ? ["TimePeriod", ...COLUMNS] : [...COLUMNS];
    const time = input.start_date && input.end_date ? { CustomDateRangeStart: ymd(input.start_date), CustomDateRangeEnd: ymd(input.end_date), PredefinedTime: null, ReportTimeZone: null } : { CustomDateRangeStart: null, CustomDateRangeEnd: null, PredefinedTime: "Last30Days", ReportTimeZone: null };
    const submitted = await ctx.proxy({
      method: "POST",
      endpoint: "/Reporting/v13/GenerateReport/Submit",
      accountId: account.id,
      data: {
        ReportRequest: {
          Type: "CampaignPerformanceReportRequest",
          ReportName: "ads-connect campaign performance",
          Format: "Csv",
          ExcludeReportHeader: true,
          ExcludeReportFooter: true,
          ExcludeColumnHeaders: false,
          ReturnOnlyCompleteData: false,
          Aggregation: input.aggregation,
          Columns: columns,
          Scope: { AccountIds: [account.id], AdGroups: null, Campaigns: null },
          Time: time,
        },
      },
    });
    const id = z.object({ ReportRequestId: z.string().min(1) }).parse(submitted.data).ReportRequestId;
    ctx.logger.info({ reportRequestId: id }, "report submitted");
    const url = await waitForReport(ctx, account.id, id, input.timeout_seconds * 1000);
    const csv = url === null ? null : await download(url);
    const table = csv === null ? [] : parseCsv(csv);
    const header = table[0] ?? [];
    const rows = table.slice(1).map((cells) => {
      const v = (column: string) => cells[header.indexOf(column)];
      return {
        time_period: input.aggregation === "Daily" ? (v("TimePeriod") ?? null) : null,
        account_id: v("AccountId") ?? account.id,
        campaign_id: v("CampaignId") ?? "",
        campaign_name: v("CampaignName") ?? "",
        campaign_status: v("CampaignStatus") ?? "",
        currency_code: v("CurrencyCode") ?? "",
        impressions: num(v("Impressions")),
        clicks: num(v("Clicks")),
        ctr: num(v("Ctr")),
        average_cpc: num(v("AverageCpc")),
        spend: num(v("Spend")),
        conversions: num(v("Conversions")),
        revenue: num(v("Revenue")),
      };
    });
    return { report_request_id: id, account_id: account.id, aggregation: input.aggregation, start_date: input.start_date ?? null, end_date: input.end_date ?? null, rows };
  },
});

/** Polls until Success (the download URL, or null for a report without rows), with growing waits. */
async function waitForReport(ctx: ActionContext, accountId: string, id: string, timeoutMs: number): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = FIRST_POLL_DELAY_MS; ; delay = Math.min(delay * 2, MAX_POLL_DELAY_MS)) {
    const { data } = await ctx.proxy({ method: "POST", endpoint: "/Reporting/v13/GenerateReport/Poll", data: { ReportRequestId: id }, accountId });
    const status = PollSchema.parse(data).ReportRequestStatus;
    if (status.Status === "Success") return status.ReportDownloadUrl ?? null;
    if (status.Status === "Error") throw new ActionError(`Microsoft Advertising could not build report ${id} (status Error)`, 502);
    if (Date.now() + delay > deadline) throw new ActionError(`Report ${id} was not ready within ${Math.round(timeoutMs / 1000)} s (status ${status.Status}); try again with a larger timeout_seconds`, 504);
    await sleep(delay);
  }
}

/** The report's CSV: the URL is pre-signed (no headers), the body a ZIP holding one .csv. */
async function download(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!response.ok) throw new ActionError(`Downloading the report failed: HTTP ${response.status}`, 502);
  if (Number(response.headers.get("content-length") ?? 0) > MAX_DOWNLOAD_BYTES) throw new ActionError("The report is larger than 100 MiB; ask for a shorter date range", 502);
  const zip = new Uint8Array(await response.arrayBuffer());
  if (zip.byteLength > MAX_DOWNLOAD_BYTES) throw new ActionError("The report is larger than 100 MiB; ask for a shorter date range", 502);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch {
    throw new ActionError("The report download is not a ZIP file", 502);
  }
  const csv = Object.entries(files).find(([name]) => name.toLowerCase().endsWith(".csv"))?.[1];
  if (!csv) throw new ActionError("The report download holds no CSV file", 502);
  return strFromU8(csv);
}
