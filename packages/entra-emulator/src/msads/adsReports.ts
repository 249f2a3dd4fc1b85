import { randomBytes } from "node:crypto";
import type { Writable } from "node:stream";
import { strToU8, Zip, ZipDeflate } from "fflate";
import type { AdsAccount } from "./AdsState.js";
import type { AdsCampaign } from "./adsCampaigns.js";
import { invalidRequest } from "./adsFaults.js";
import type { ReportSpec } from "./adsReportTypes.js";

export type { ReportSpec } from "./adsReportTypes.js";

/** Columns of CampaignPerformanceReportRequest the emulator fills. */
export const REPORT_COLUMNS = [
  "TimePeriod",
  "AccountId",
  "AccountName",
  "AccountNumber",
  "CampaignId",
  "CampaignName",
  "CampaignStatus",
  "CampaignType",
  "CurrencyCode",
  "Impressions",
  "Clicks",
  "Ctr",
  "AverageCpc",
  "Spend",
  "Conversions",
  "Revenue",
] as const;

const DAY = 86_400_000;
const PREDEFINED: Record<string, (today: number) => [number, number]> = {
  Today: (t) => [t, t],
  Yesterday: (t) => [t - DAY, t - DAY],
  LastSevenDays: (t) => [t - 7 * DAY, t - DAY],
  Last14Days: (t) => [t - 14 * DAY, t - DAY],
  Last30Days: (t) => [t - 30 * DAY, t - DAY],
  ThisMonth: (t) => [Date.UTC(new Date(t).getUTCFullYear(), new Date(t).getUTCMonth(), 1), t],
  LastMonth: (t) => {
    const d = new Date(t);
    return [Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1), Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 0)];
  },
};

const dateOf = (value: unknown, field: string): Date => {
  const d = value as { Day?: unknown; Month?: unknown; Year?: unknown } | null;
  const ok = d && [d.Day, d.Month, d.Year].every((n) => typeof n === "number" && Number.isInteger(n));
  const date = ok ? new Date(Date.UTC(d.Year as number, (d.Month as number) - 1, d.Day as number)) : null;
  if (!date || date.getUTCDate() !== d!.Day || date.getUTCMonth() !== (d!.Month as number) - 1)
    throw invalidRequest(`Time.${field} must be a date {"Day", "Month", "Year"}.`);
  return date;
};

const mdy = (d: Date) => `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;

/** Reads a SubmitGenerateReport body; anything it cannot serve is a 100 ApiFault with the reason. */
export function parseReportRequest(body: Record<string, unknown>, now = Date.now()): ReportSpec {
  const r = body.ReportRequest as Record<string, unknown> | null | undefined;
  if (!r || typeof r !== "object" || Array.isArray(r)) throw invalidRequest("ReportRequest is required.");
  if (r.Type !== "CampaignPerformanceReportRequest") throw invalidRequest("The emulator serves ReportRequest Type CampaignPerformanceReportRequest only.");
  if (r.Format !== undefined && r.Format !== null && r.Format !== "Csv") throw invalidRequest("Format must be Csv.");
  const aggregation = r.Aggregation ?? "Summary";
  if (aggregation !== "Daily" && aggregation !== "Summary") throw invalidRequest("Aggregation must be Daily or Summary.");
  const columns = r.Columns;
  if (!Array.isArray(columns) || columns.length === 0) throw invalidRequest("Columns must list at least one column.");
  for (const c of columns)
    if (!(REPORT_COLUMNS as readonly unknown[]).includes(c)) throw invalidRequest(`Unknown column ${String(c)}; known: ${REPORT_COLUMNS.join(", ")}.`);
  if (aggregation === "Summary" && columns.includes("TimePeriod")) throw invalidRequest("TimePeriod cannot be used with Summary aggregation.");
  const scope = r.Scope as { AccountIds?: unknown } | null | undefined;
  const accountIds = Array.isArray(scope?.AccountIds) ? scope.AccountIds.map((id) => (typeof id === "number" ? String(id) : id)) : [];
  if (accountIds.length === 0 || !accountIds.every((id) => typeof id === "string" && /^\d+$/.test(id)))
    throw invalidRequest("Scope.AccountIds must list at least one account id.");
  const time = r.Time as Record<string, unknown> | null | undefined;
  if (!time || typeof time !== "object") throw invalidRequest("Time is required.");
  let start: Date;
  let end: Date;
  const predefined = time.PredefinedTime;
  if (predefined !== null && predefined !== undefined) {
    if (time.CustomDateRangeStart != null || time.CustomDateRangeEnd != null)
      throw invalidRequest("Set either PredefinedTime or CustomDateRangeStart/End, not both.");
    const range = typeof predefined === "string" ? PREDEFINED[predefined] : undefined;
    if (!range) throw invalidRequest(`PredefinedTime must be one of ${Object.keys(PREDEFINED).join(", ")}.`);
    const today = Math.floor(now / DAY) * DAY;
    const [s, e] = range(today);
    [start, end] = [new Date(s), new Date(e)];
  } else {
    start = dateOf(time.CustomDateRangeStart, "CustomDateRangeStart");
    end = dateOf(time.CustomDateRangeEnd, "CustomDateRangeEnd");
  }
  if (start > end) throw invalidRequest("The time range ends before it starts.");
  if (end.getTime() - start.getTime() > 366 * DAY) throw invalidRequest("The emulator serves at most 367 days per report.");
  return {
    name: typeof r.ReportName === "string" && r.ReportName !== "" ? r.ReportName : "Campaign Performance Report",
    columns: columns as string[],
    accountIds: accountIds as string[],
    aggregation,
    start,
    end,
    timeLabel: `${mdy(start)},${mdy(end)}`,
    excludeHeader: r.ExcludeReportHeader === true,
    excludeFooter: r.ExcludeReportFooter === true,
    excludeColumnHeaders: r.ExcludeColumnHeaders === true,
    reportTimeZone: typeof time.ReportTimeZone === "string" ? time.ReportTimeZone : null,
  };
}

/** FNV-1a: the same campaign and day always give the same numbers. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

interface Metrics {
  impressions: number;
  clicks: number;
  spend: number;
  conversions: number;
  revenue: number;
}

/** A campaign's deterministic numbers for one day (`YYYY-MM-DD`), plus conversions that arrived late for it (each worth 50.00 of revenue). */
export function dailyMetrics(campaignId: string, day: string, late = 0): Metrics {
  const h = hash(`${campaignId}|${day}`);
  const impressions = 200 + (h % 4800);
  const clicks = Math.floor((impressions * (10 + ((h >>> 8) % 50))) / 1000);
  const cpcCents = 20 + ((h >>> 16) % 230);
  const conversions = Math.floor(clicks * (((h >>> 4) % 10) / 100));
  return {
    impressions,
    clicks,
    spend: (clicks * cpcCents) / 100,
    conversions: conversions + late,
    revenue: conversions * (20 + ((h >>> 12) % 80)) + late * 50,
  };
}

const money = (n: number) => n.toFixed(2);
const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;

/** The days a report covers, up to today (nothing happened yet on days after today). */
function reportDays(spec: ReportSpec, now: number): string[] {
  const days: string[] = [];
  const last = Math.min(spec.end.getTime(), Math.floor(now / DAY) * DAY);
  for (let t = spec.start.getTime(); t <= last; t += DAY) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** Whether the report has any row (Microsoft's download URL is null when it has none). */
export function reportHasRows(spec: ReportSpec, accounts: { campaigns: AdsCampaign[] }[], now = Date.now()): boolean {
  return reportDays(spec, now).length > 0 && accounts.some((a) => a.campaigns.length > 0);
}

/**
 * The report's rows (one per campaign and day, or per campaign), up to today, made one at a time:
 * a year of a thousand campaigns never sits in memory. `late` holds late conversions by `<campaign id>|<day>`.
 */
export function* reportRows(
  spec: ReportSpec,
  accounts: { account: AdsAccount; campaigns: AdsCampaign[] }[],
  now = Date.now(),
  late: ReadonlyMap<string, number> = new Map(),
): Generator<string[]> {
  const days = reportDays(spec, now);
  if (days.length === 0) return;
  for (const { account, campaigns } of accounts) {
    for (const campaign of campaigns) {
      const groups = spec.aggregation === "Daily" ? days.map((d) => [d]) : [days];
      for (const group of groups) {
        const m = group
          .map((d) => dailyMetrics(campaign.Id, d, late.get(`${campaign.Id}|${d}`) ?? 0))
          .reduce((a, b) => ({
            impressions: a.impressions + b.impressions,
            clicks: a.clicks + b.clicks,
            spend: a.spend + b.spend,
            conversions: a.conversions + b.conversions,
            revenue: a.revenue + b.revenue,
          }));
        const values: Record<string, string> = {
          TimePeriod: group[0]!,
          AccountId: account.Id,
          AccountName: account.Name,
          AccountNumber: account.Number,
          CampaignId: campaign.Id,
          CampaignName: campaign.Name,
          CampaignStatus: campaign.Status,
          CampaignType: campaign.CampaignType === "Search" ? "Search & content" : campaign.CampaignType,
          CurrencyCode: account.CurrencyCode,
          Impressions: String(m.impressions),
          Clicks: String(m.clicks),
          Ctr: `${((m.clicks / m.impressions) * 100).toFixed(2)}%`,
          AverageCpc: money(m.clicks === 0 ? 0 : m.spend / m.clicks),
          Spend: money(m.spend),
          Conversions: String(m.conversions),
          Revenue: money(m.revenue),
        };
        yield spec.columns.map((c) => values[c]!);
      }
    }
  }
}

/** The CSV's lines as Microsoft writes them: BOM, quoted header lines, blank line, columns, rows, blank line, footer (CRLF). */
export function* reportCsvLines(spec: ReportSpec, rows: Iterable<string[]>, rowCount: number, now = Date.now()): Generator<string> {
  let first = true;
  const line = (text: string) => {
    const out = `${first ? "\ufeff" : ""}${text}\r\n`;
    first = false;
    return out;
  };
  if (!spec.excludeHeader) {
    const d = new Date(now);
    const time = `${d.getUTCHours() % 12 || 12}:${String(d.getUTCMinutes()).padStart(2, "0")}:${String(d.getUTCSeconds()).padStart(2, "0")} ${d.getUTCHours() < 12 ? "AM" : "PM"}`;
    for (const text of [
      quote(`Report Name: ${spec.name}`),
      quote(`Report Time: ${spec.timeLabel}`),
      quote("Time Zone: (GMT-08:00) Pacific Time (US & Canada); Tijuana"),
      quote(`Last Completed Available Day: ${mdy(d)} ${time} (GMT)`),
      quote(`Rows: ${rowCount}`),
      "",
    ])
      yield line(text);
  }
  if (!spec.excludeColumnHeaders) yield line(spec.columns.map(quote).join(","));
  for (const row of rows) yield line(row.map(quote).join(","));
  if (!spec.excludeFooter) {
    yield line("");
    yield line(quote(`©${new Date(now).getUTCFullYear()} Microsoft Corporation. All rights reserved. `));
  }
}

/** Rows per batch deflated and written before waiting for the socket to drain. */
const LINES_PER_WRITE = 2_000;

/**
 * Writes a ZIP holding `<id>.csv`, as Microsoft's download URL serves it, deflating the lines as
 * they are made and waiting for `out` to drain: memory stays flat whatever the report's size.
 */
export async function writeZippedReport(id: string, lines: Iterable<string>, out: Writable): Promise<void> {
  let backpressure = false;
  const zip = new Zip((err, chunk, final) => {
    if (err) {
      out.destroy(err);
      return;
    }
    if (!out.write(Buffer.from(chunk))) backpressure = true;
    if (final) out.end();
  });
  const file = new ZipDeflate(`${id}.csv`, { level: 6 });
  zip.add(file);
  let batch: string[] = [];
  for (const text of lines) {
    batch.push(text);
    if (batch.length < LINES_PER_WRITE) continue;
    file.push(strToU8(batch.join("")), false);
    batch = [];
    if (backpressure && !out.destroyed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          out.off("drain", done);
          out.off("close", done);
          resolve();
        };
        out.on("drain", done);
        out.on("close", done);
      });
      backpressure = false;
    }
    if (out.destroyed) return;
  }
  file.push(strToU8(batch.join("")), true);
  zip.end();
}

export const newSignature = () => randomBytes(16).toString("hex");
