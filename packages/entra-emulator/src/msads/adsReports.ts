import { randomBytes } from "node:crypto";
import type { Writable } from "node:stream";
import { strToU8, Zip, ZipDeflate } from "fflate";
import type { AdsAccount } from "./AdsState.js";
import type { AdsCampaign } from "./adsCampaigns.js";
import { invalidRequest } from "./adsFaults.js";
import type { LateConversion, ReportSpec } from "./adsReportTypes.js";
import { DEFAULT_REPORT_TIME_ZONE, dayIn, hoursOfDay, REPORT_TIME_ZONES, zoneOfReportTimeZone } from "./adsTimeZones.js";

export type { LateConversion, ReportSpec } from "./adsReportTypes.js";

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
const HOUR = 3_600_000;
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
  const zoneName = time.ReportTimeZone ?? null;
  const zone = typeof zoneName === "string" ? zoneOfReportTimeZone(zoneName) : undefined;
  if (zoneName !== null && zone === undefined)
    throw invalidRequest(`Time.ReportTimeZone ${String(zoneName)} is not a ReportTimeZone the emulator knows (${REPORT_TIME_ZONES.join(", ")}).`);
  let start: Date;
  let end: Date;
  const predefined = time.PredefinedTime;
  if (predefined !== null && predefined !== undefined) {
    if (time.CustomDateRangeStart != null || time.CustomDateRangeEnd != null)
      throw invalidRequest("Set either PredefinedTime or CustomDateRangeStart/End, not both.");
    const range = typeof predefined === "string" ? PREDEFINED[predefined] : undefined;
    if (!range) throw invalidRequest(`PredefinedTime must be one of ${Object.keys(PREDEFINED).join(", ")}.`);
    // Microsoft: ReportTimeZone (default Pacific) sets which day "today" is.
    const today = Date.parse(`${dayIn(now, zone ?? DEFAULT_REPORT_TIME_ZONE)}T00:00:00Z`);
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
    reportTimeZone: typeof zoneName === "string" ? zoneName : null,
  };
}

/** FNV-1a: a campaign's seed for its numbers. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** MurmurHash3's finalizer: an hour's numbers from the campaign's seed and the hour, cheaply (a year of a thousand campaigns is 8.8 million hours). */
function mix(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export interface Metrics {
  impressions: number;
  clicks: number;
  spend: number;
  conversions: number;
  revenue: number;
}

/** Sums kept in cents, so a year's spend adds up exactly. */
interface Sums {
  impressions: number;
  clicks: number;
  spendCents: number;
  conversions: number;
  revenueCents: number;
}
const zero = (): Sums => ({ impressions: 0, clicks: 0, spendCents: 0, conversions: 0, revenueCents: 0 });

/**
 * Adds a campaign's numbers for the UTC hours [fromHour, toHour) (hours since 1970) and its late
 * conversions in that time (each worth 50.00 of revenue). The same campaign and hour always give the
 * same numbers: what happened is fixed in time, and a day is whichever hours its time zone puts in it.
 */
function addHours(sums: Sums, seed: number, fromHour: number, toHour: number, late: readonly LateConversion[]): void {
  for (let hour = fromHour; hour < toHour; hour++) {
    const h = mix(seed ^ mix(hour));
    const impressions = 10 + (h % 390);
    const clicks = Math.floor((impressions * (10 + ((h >>> 9) % 50))) / 1000);
    const conversions = clicks > 0 && (h >>> 25) % 8 === 0 ? 1 : 0;
    sums.impressions += impressions;
    sums.clicks += clicks;
    sums.spendCents += clicks * (20 + ((h >>> 16) % 230));
    sums.conversions += conversions;
    sums.revenueCents += conversions * (2000 + ((h >>> 3) % 8000));
  }
  for (const l of late)
    if (l.at >= fromHour * HOUR && l.at < toHour * HOUR) {
      sums.conversions += l.conversions;
      sums.revenueCents += l.conversions * 5000;
    }
}

const metricsOf = (s: Sums): Metrics => ({
  impressions: s.impressions,
  clicks: s.clicks,
  spend: s.spendCents / 100,
  conversions: s.conversions,
  revenue: s.revenueCents / 100,
});

/** A campaign's numbers for one day (`YYYY-MM-DD`) of an account in `timeZone` (Microsoft's name), late conversions included. */
export function dailyMetrics(campaignId: string, day: string, timeZone: string, late: readonly LateConversion[] = []): Metrics {
  const sums = zero();
  addHours(sums, hash(campaignId), ...hoursOfDay(day, timeZone), late);
  return metricsOf(sums);
}

const money = (n: number) => n.toFixed(2);
const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;

export interface ReportAccount {
  account: AdsAccount;
  campaigns: AdsCampaign[];
}

/** The days a report covers for an account, up to its today (nothing happened yet on later days): its days, in its time zone. */
function reportDays(spec: ReportSpec, timeZone: string, now: number): string[] {
  const days: string[] = [];
  const today = dayIn(now, timeZone);
  for (let t = spec.start.getTime(); t <= spec.end.getTime(); t += DAY) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (day > today) break;
    days.push(day);
  }
  return days;
}

/** How many rows the report has (one per campaign and day, or per campaign). */
export function reportRowCount(spec: ReportSpec, accounts: ReportAccount[], now = Date.now()): number {
  return accounts.reduce((n, { account, campaigns }) => {
    const days = reportDays(spec, account.TimeZone, now).length;
    return n + campaigns.length * (spec.aggregation === "Daily" ? days : Math.min(days, 1));
  }, 0);
}

/** Whether the report has any row (Microsoft's download URL is null when it has none). */
export function reportHasRows(spec: ReportSpec, accounts: ReportAccount[], now = Date.now()): boolean {
  return reportRowCount(spec, accounts, now) > 0;
}

/**
 * The report's rows (one per campaign and day, or per campaign), up to today, made one at a time:
 * a year of a thousand campaigns never sits in memory. Each account's days are its time zone's
 * (`TimeZone`), as Microsoft aggregates them. `late` holds late conversions by campaign id.
 */
export function* reportRows(
  spec: ReportSpec,
  accounts: ReportAccount[],
  now = Date.now(),
  late: ReadonlyMap<string, readonly LateConversion[]> = new Map(),
): Generator<string[]> {
  for (const { account, campaigns } of accounts) {
    const days = reportDays(spec, account.TimeZone, now).map((day) => ({ day, hours: hoursOfDay(day, account.TimeZone) }));
    if (days.length === 0) continue;
    const groups = spec.aggregation === "Daily" ? days.map((d) => [d]) : [days];
    for (const campaign of campaigns) {
      const seed = hash(campaign.Id);
      const lateOfCampaign = late.get(campaign.Id) ?? [];
      for (const group of groups) {
        const sums = zero();
        for (const { hours } of group) addHours(sums, seed, hours[0], hours[1], lateOfCampaign);
        const m = metricsOf(sums);
        const values: Record<string, string> = {
          TimePeriod: group[0]!.day,
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
