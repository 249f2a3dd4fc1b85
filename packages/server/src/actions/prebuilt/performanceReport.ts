import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { reportRecords } from "../../msads/reportCsv.js";
import { downloadReport, type ReportDownloadOptions } from "../../msads/reportDownload.js";
import { type ActionContext, ActionError, defineAction } from "../defineAction.js";
import { accountInput } from "./msadsInput.js";

const DAY = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "must be a real date");
/** Rows per answer: a large report comes in pages (next_cursor), never as one unbounded answer. */
const DEFAULT_PAGE_SIZE = 10_000;
const MAX_PAGE_SIZE = 100_000;
/** Waits between polls: from half a second, doubling, at most 15 s. */
const FIRST_POLL_DELAY_MS = 500;
const MAX_POLL_DELAY_MS = 15_000;

const COLUMNS = [
  "AccountId",
  "CampaignId",
  "CampaignName",
  "CampaignStatus",
  "CurrencyCode",
  "Impressions",
  "Clicks",
  "Ctr",
  "AverageCpc",
  "Spend",
  "Conversions",
  "Revenue",
] as const;

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
/** What a page's `next_cursor` carries: the report (already built at Microsoft) and where the next page starts. */
const CursorSchema = z.object({
  report_request_id: z.string().regex(/^[0-9A-Za-z_-]{1,100}$/),
  account_id: z.string().min(1).max(100),
  aggregation: z.enum(["Summary", "Daily"]),
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  offset: z.number().int().min(0),
});
type Cursor = z.infer<typeof CursorSchema>;
const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString("base64url");
function decodeCursor(value: string): Cursor {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
  } catch {
    throw new ActionError("cursor is not a next_cursor this action returned", 400);
  }
}

const ymd = (d: string) => {
  const [Year, Month, Day] = d.split("-").map(Number);
  return { Day, Month, Year };
};

/**
 * Reporting v13: submits a CampaignPerformanceReportRequest (the date range, or Microsoft's
 * Last30Days in the account's time zone), polls with backoff until Success, streams the zipped CSV
 * from Microsoft's report host and returns one page of its rows as JSON; `next_cursor` asks for
 * the next page of the same report (polled again for a fresh URL, the rows before it skipped).
 */
export const performanceReportAction = (download: ReportDownloadOptions) =>
  defineAction({
    name: "get-performance-report",
    description:
      "Campaign performance (impressions, clicks, spend, conversions, revenue) of one account for a date range (default: the last 30 days), per campaign or per campaign and day.",
    input: z
      .object({
        ...accountInput,
        start_date: DAY.optional(),
        end_date: DAY.optional(),
        aggregation: z.enum(["Summary", "Daily"]).default("Summary"),
        /** How long to wait for Microsoft to build the report. */
        timeout_seconds: z.number().int().min(5).max(900).default(300),
        /** Rows per answer; past them next_cursor is set. */
        page_size: z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
        /** A previous answer's next_cursor: the next page of that report (its account, dates and aggregation; theirs in this input are ignored). */
        cursor: z.string().min(1).max(2000).optional(),
      })
      .refine((i) => (i.start_date === undefined) === (i.end_date === undefined), {
        message: "give both start_date and end_date, or neither (the last 30 days)",
        path: ["end_date"],
      })
      .refine((i) => !i.start_date || !i.end_date || i.start_date <= i.end_date, { message: "end_date is before start_date", path: ["end_date"] }),
    output: z.object({
      report_request_id: z.string(),
      account_id: z.string(),
      aggregation: z.enum(["Summary", "Daily"]),
      start_date: z.string().nullable(),
      end_date: z.string().nullable(),
      rows: z.array(RowSchema),
      /** Set when the report has more rows: pass it as `cursor` for the next page. */
      next_cursor: z.string().nullable(),
    }),
    async run(ctx, input) {
      const cursor = input.cursor === undefined ? null : decodeCursor(input.cursor);
      const account = ctx.accounts.get(cursor ? cursor.account_id : input.account_id);
      const aggregation = cursor?.aggregation ?? input.aggregation;
      const dates = cursor ? { start: cursor.start_date, end: cursor.end_date } : { start: input.start_date ?? null, end: input.end_date ?? null };
      const id = cursor?.report_request_id ?? (await submitReport(ctx, account.id, aggregation, dates));
      const url = await waitForReport(ctx, account.id, id, input.timeout_seconds * 1000);
      const offset = cursor?.offset ?? 0;
      const page = url === null ? { rows: [], more: false } : await readPage(url, download, aggregation, account.id, offset, input.page_size);
      const next_cursor = page.more
        ? encodeCursor({
            report_request_id: id,
            account_id: account.id,
            aggregation,
            start_date: dates.start,
            end_date: dates.end,
            offset: offset + page.rows.length,
          })
        : null;
      return { report_request_id: id, account_id: account.id, aggregation, start_date: dates.start, end_date: dates.end, rows: page.rows, next_cursor };
    },
  });

async function submitReport(
  ctx: ActionContext,
  accountId: string,
  aggregation: "Summary" | "Daily",
  dates: { start: string | null; end: string | null },
): Promise<string> {
  const columns = aggregation === "Daily" ? ["TimePeriod", ...COLUMNS] : [...COLUMNS];
  const time =
    dates.start && dates.end
      ? { CustomDateRangeStart: ymd(dates.start), CustomDateRangeEnd: ymd(dates.end), PredefinedTime: null, ReportTimeZone: null }
      : { CustomDateRangeStart: null, CustomDateRangeEnd: null, PredefinedTime: "Last30Days", ReportTimeZone: null };
  const submitted = await ctx.proxy({
    method: "POST",
    endpoint: "/Reporting/v13/GenerateReport/Submit",
    accountId,
    data: {
      ReportRequest: {
        Type: "CampaignPerformanceReportRequest",
        ReportName: "ads-connect campaign performance",
        Format: "Csv",
        ExcludeReportHeader: true,
        ExcludeReportFooter: true,
        ExcludeColumnHeaders: false,
        ReturnOnlyCompleteData: false,
        Aggregation: aggregation,
        Columns: columns,
        Scope: { AccountIds: [accountId], AdGroups: null, Campaigns: null },
        Time: time,
      },
    },
  });
  const id = z.object({ ReportRequestId: z.string().min(1) }).parse(submitted.data).ReportRequestId;
  ctx.logger.info({ reportRequestId: id }, "report submitted");
  return id;
}

/**
 * Rows `offset` to `offset + size` of the report, streamed: the rows before are parsed and dropped,
 * the download stops one row after the page (that row only says there are more).
 */
async function readPage(url: string, download: ReportDownloadOptions, aggregation: "Summary" | "Daily", accountId: string, offset: number, size: number) {
  const rows: z.input<typeof RowSchema>[] = [];
  let toRow: ((cells: string[]) => z.input<typeof RowSchema>) | null = null;
  let index = 0;
  const signal = AbortSignal.timeout(download.timeoutMs);
  for await (const batch of reportRecords(downloadReport(url, download, signal), download.maxCsvBytes)) {
    for (const cells of batch) {
      if (!toRow) {
        toRow = rowReader(cells, aggregation, accountId);
        continue;
      }
      if (index++ < offset) continue;
      if (rows.length === size) return { rows, more: true };
      rows.push(toRow(cells));
    }
  }
  return { rows, more: false };
}

/** Maps a record to a row by the header's column positions (found once, not per row). */
function rowReader(header: string[], aggregation: "Summary" | "Daily", accountId: string) {
  const position = new Map(["TimePeriod", ...COLUMNS].map((column) => [column, header.indexOf(column)]));
  const v = (cells: string[], column: string) => {
    const i = position.get(column) ?? -1;
    return i >= 0 ? cells[i] : undefined;
  };
  return (cells: string[]) => ({
    time_period: aggregation === "Daily" ? (v(cells, "TimePeriod") ?? null) : null,
    account_id: v(cells, "AccountId") ?? accountId,
    campaign_id: v(cells, "CampaignId") ?? "",
    campaign_name: v(cells, "CampaignName") ?? "",
    campaign_status: v(cells, "CampaignStatus") ?? "",
    currency_code: v(cells, "CurrencyCode") ?? "",
    impressions: num(v(cells, "Impressions")),
    clicks: num(v(cells, "Clicks")),
    ctr: num(v(cells, "Ctr")),
    average_cpc: num(v(cells, "AverageCpc")),
    spend: num(v(cells, "Spend")),
    conversions: num(v(cells, "Conversions")),
    revenue: num(v(cells, "Revenue")),
  });
}

/** Polls until Success (the download URL, or null for a report without rows), with growing waits. */
async function waitForReport(ctx: ActionContext, accountId: string, id: string, timeoutMs: number): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = FIRST_POLL_DELAY_MS; ; delay = Math.min(delay * 2, MAX_POLL_DELAY_MS)) {
    const { data } = await ctx.proxy({ method: "POST", endpoint: "/Reporting/v13/GenerateReport/Poll", data: { ReportRequestId: id }, accountId });
    const status = PollSchema.parse(data).ReportRequestStatus;
    if (status.Status === "Success") return status.ReportDownloadUrl ?? null;
    if (status.Status === "Error") throw new ActionError(`Microsoft Advertising could not build report ${id} (status Error)`, 502);
    if (Date.now() + delay > deadline)
      throw new ActionError(
        `Report ${id} was not ready within ${Math.round(timeoutMs / 1000)} s (status ${status.Status}); try again with a larger timeout_seconds`,
        504,
      );
    await sleep(delay);
  }
}
