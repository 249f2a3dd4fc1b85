import { randomBytes } from "node:crypto";
import { strToU8, zipSync } from "fflate";
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

/** A campaign's deterministic numbers for one day (`YYYY-MM-DD`). */
export function dailyMetrics(campaignId: string, day: string): Metrics {
  const h = hash(`${campaignId}|${day}`);
  const impressions = 200 + (h % 4800);
  const clicks = Math.floor((impressions * (10 + ((h >>> 8) % 50))) / 1000);
  const cpcCents = 20 + ((h >>> 16) % 230);
  const conversions = Math.floor(clicks * (((h >>> 4) % 10) / 100));
  return { impressions, clicks, spend: (clicks * cpcCents) / 100, conversions, revenue: conversions * (20 + ((h >>> 12) % 80)) };
}

const money = (n: number) => n.toFixed(2);
const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;

/** The report's rows (one per campaign and day, or per campaign), up to today. */
export function reportRows(spec: ReportSpec, accounts: { account: AdsAccount; campaigns: AdsCampaign[] }[], now = Date.now()): string[][] {
  const days: string[] = [];
  // Nothing happened yet on days after today.
  const last = Math.min(spec.end.getTime(), Math.floor(now / DAY) * DAY);
  for (let t = spec.start.getTime(); t <= last; t += DAY) days.push(new Date(t).toISOString().slice(0, 10));
  const rows: string[][] = [];
  if (days.length === 0) return rows;
  for (const { account, campaigns } of accounts) {
    for (const campaign of campaigns) {
      const groups = spec.aggregation === "Daily" ? days.map((d) => [d]) : [days];
      for (const group of groups) {
        const m = group
          .map((d) => dailyMetrics(campaign.Id, d))
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
        rows.push(spec.columns.map((c) => values[c]!));
      }
    }
  }
  return rows;
}

/** The CSV as Microsoft writes it: BOM, quoted header lines, blank line, columns, rows, blank line, footer. */
export function reportCsv(spec: ReportSpec, rows: string[][], now = Date.now()): string {
  const lines: string[] = [];
  if (!spec.excludeHeader) {
    const d = new Date(now);
    const time = `${d.getUTCHours() % 12 || 12}:${String(d.getUTCMinutes()).padStart(2, "0")}:${String(d.getUTCSeconds()).padStart(2, "0")} ${d.getUTCHours() < 12 ? "AM" : "PM"}`;
    lines.push(
      quote(`Report Name: ${spec.name}`),
      quote(`Report Time: ${spec.timeLabel}`),
      quote("Time Zone: (GMT-08:00) Pacific Time (US & Canada); Tijuana"),
      quote(`Last Completed Available Day: ${mdy(d)} ${time} (GMT)`),
      quote(`Rows: ${rows.length}`),
      "",
    );
  }
  if (!spec.excludeColumnHeaders) lines.push(spec.columns.map(quote).join(","));
  for (const row of rows) lines.push(row.map(quote).join(","));
  if (!spec.excludeFooter) lines.push("", quote(`©${new Date(now).getUTCFullYear()} Microsoft Corporation. All rights reserved. `));
  return `\ufeff${lines.join("\r\n")}\r\n`;
}

/** A ZIP holding `<id>.csv`, as Microsoft's download URL serves it. */
export function zipReport(id: string, csv: string): Uint8Array {
  return zipSync({ [`${id}.csv`]: strToU8(csv) }, { level: 6 });
}

export const newSignature = () => randomBytes(16).toString("hex");
