import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adsPair, faultOf } from "../testing/adsClient.js";
import { dailyMetrics } from "./adsReports.js";

let pair: Awaited<ReturnType<typeof adsPair>>;

beforeAll(async () => {
  pair = await adsPair({ reportPollsBeforeReady: 2 });
});
afterAll(() => pair.close());

const SUBMIT = "/Reporting/v13/GenerateReport/Submit";
const POLL = "/Reporting/v13/GenerateReport/Poll";
const COLUMNS = ["TimePeriod", "AccountId", "CampaignId", "CampaignName", "CampaignStatus", "Impressions", "Clicks", "Ctr", "Spend", "Conversions"];

const reportRequest = (accountIds: string[], extra: Record<string, unknown> = {}) => ({
  ReportRequest: {
    ExcludeColumnHeaders: false,
    ExcludeReportFooter: false,
    ExcludeReportHeader: false,
    Format: "Csv",
    FormatVersion: "2.0",
    ReportName: "Campaign performance",
    ReturnOnlyCompleteData: false,
    Type: "CampaignPerformanceReportRequest",
    Aggregation: "Daily",
    Columns: COLUMNS,
    Filter: null,
    Scope: { AccountIds: accountIds, Campaigns: null },
    Time: {
      CustomDateRangeStart: { Day: 1, Month: 10, Year: 2026 },
      CustomDateRangeEnd: { Day: 3, Month: 10, Year: 2026 },
      PredefinedTime: null,
      ReportTimeZone: "PacificTimeUSCanadaTijuana",
    },
    ...extra,
  },
});

/** The file's text as bytes say it, BOM kept (TextDecoder would drop it). */
const strFromU8 = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

/** Microsoft's CSV: quoted fields, "" for a quote inside. */
const parseLine = (line: string) => [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!.replace(/""/g, '"'));

describe("SubmitGenerateReport → PollGenerateReport → download", () => {
  it("is Pending for the configured polls, then Success with a URL serving a ZIP whose CSV is shaped like Microsoft's", async () => {
    const headers = await pair.headersFor("three@contoso.example");
    const accountId = headers.CustomerAccountId!;
    const submit = await pair.call("POST", SUBMIT, reportRequest([accountId]), headers);
    expect(submit.status).toBe(200);
    expect(submit.json).toEqual({ ReportRequestId: expect.stringMatching(/^\d+$/) });
    const id = submit.json.ReportRequestId as string;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await pair.call("POST", POLL, { ReportRequestId: id }, headers)).json);
    expect(statuses.slice(0, 2)).toEqual(Array(2).fill({ ReportRequestStatus: { ReportDownloadUrl: null, Status: "Pending" } }));
    expect(statuses[2]!.ReportRequestStatus.Status).toBe("Success");
    const url = statuses[2]!.ReportRequestStatus.ReportDownloadUrl as string;
    expect(url.startsWith(pair.ads.url)).toBe(true);

    // Pre-signed: no headers needed.
    const download = await fetch(url);
    expect(download.status).toBe(200);
    const files = unzipSync(new Uint8Array(await download.arrayBuffer()));
    expect(Object.keys(files)).toEqual([`${id}.csv`]);
    const csv = strFromU8(files[`${id}.csv`]!);
    expect(csv.startsWith("\ufeff")).toBe(true);
    const lines = csv.slice(1).split("\r\n");
    const campaigns = pair.ads.campaigns(accountId);
    const rowCount = campaigns.length * 3;
    expect(lines.slice(0, 6)).toEqual([
      '"Report Name: Campaign performance"',
      '"Report Time: 10/1/2026,10/3/2026"',
      '"Time Zone: (GMT-08:00) Pacific Time (US & Canada); Tijuana"',
      expect.stringMatching(/^"Last Completed Available Day: \d+\/\d+\/\d{4} \d+:\d\d:\d\d [AP]M \(GMT\)"$/),
      `"Rows: ${rowCount}"`,
      "",
    ]);
    expect(parseLine(lines[6]!)).toEqual(COLUMNS);
    const rows = lines.slice(7, 7 + rowCount).map(parseLine);
    expect(lines.slice(7 + rowCount)).toEqual(["", `"©${new Date().getUTCFullYear()} Microsoft Corporation. All rights reserved. "`, ""]);
    expect(rows.map((r) => [r[0], r[2]])).toEqual(campaigns.flatMap((c) => ["2026-10-01", "2026-10-02", "2026-10-03"].map((d) => [d, c.Id])));
    const [first] = rows;
    const expected = dailyMetrics(campaigns[0]!.Id, "2026-10-01", "PacificTimeUSCanadaTijuana");
    expect(first).toEqual([
      "2026-10-01",
      accountId,
      campaigns[0]!.Id,
      campaigns[0]!.Name,
      campaigns[0]!.Status,
      String(expected.impressions),
      String(expected.clicks),
      `${((expected.clicks / expected.impressions) * 100).toFixed(2)}%`,
      expected.spend.toFixed(2),
      String(expected.conversions),
    ]);
    expect(Number(first![5])).toBeGreaterThan(0);

    // The same request gives the same numbers (deterministic per campaign and day).
    const again = await pair.call("POST", SUBMIT, reportRequest([accountId]), headers);
    for (let i = 0; i < 3; i++) await pair.call("POST", POLL, { ReportRequestId: again.json.ReportRequestId }, headers);
    const url2 = (await pair.call("POST", POLL, { ReportRequestId: again.json.ReportRequestId }, headers)).json.ReportRequestStatus.ReportDownloadUrl;
    const csv2 = strFromU8(Object.values(unzipSync(new Uint8Array(await (await fetch(url2)).arrayBuffer())))[0]!);
    expect(csv2.split("\r\n").slice(6)).toEqual(lines.slice(6));
  });

  it("Summary aggregation, PredefinedTime, and the Exclude* flags leave only the rows", async () => {
    const headers = await pair.headersFor("adele@contoso.example");
    const accountId = headers.CustomerAccountId!;
    const submit = await pair.call(
      "POST",
      SUBMIT,
      reportRequest([accountId], {
        Aggregation: "Summary",
        Columns: ["CampaignName", "Impressions"],
        Time: { CustomDateRangeStart: null, CustomDateRangeEnd: null, PredefinedTime: "LastSevenDays" },
        ExcludeReportHeader: true,
        ExcludeReportFooter: true,
        ExcludeColumnHeaders: true,
      }),
      headers,
    );
    pair.ads.reportPollsBeforeReady(0);
    try {
      const poll = await pair.call("POST", POLL, { ReportRequestId: submit.json.ReportRequestId }, headers);
      const csv = strFromU8(Object.values(unzipSync(new Uint8Array(await (await fetch(poll.json.ReportRequestStatus.ReportDownloadUrl)).arrayBuffer())))[0]!);
      const rows = csv.slice(1).trim().split("\r\n").map(parseLine);
      expect(rows.map((r) => r[0])).toEqual(pair.ads.campaigns(accountId).map((c) => c.Name));
      // Seven days summed: at least 7 × 200 impressions.
      for (const r of rows) expect(Number(r[1])).toBeGreaterThanOrEqual(1400);
    } finally {
      pair.ads.reportPollsBeforeReady(2);
    }
  });

  it("failNextReports: the next report polls as Error with no URL", async () => {
    const headers = await pair.headersFor("adele@contoso.example");
    pair.ads.failNextReports(1);
    const submit = await pair.call("POST", SUBMIT, reportRequest([headers.CustomerAccountId!]), headers);
    const poll = await pair.call("POST", POLL, { ReportRequestId: submit.json.ReportRequestId }, headers);
    expect(poll.json).toEqual({ ReportRequestStatus: { ReportDownloadUrl: null, Status: "Error" } });
  });

  it("a report without rows (a range in the future) is Success with a null URL, as at Microsoft", async () => {
    const headers = await pair.headersFor("adele@contoso.example");
    const future = { CustomDateRangeStart: { Day: 1, Month: 1, Year: 2099 }, CustomDateRangeEnd: { Day: 2, Month: 1, Year: 2099 }, PredefinedTime: null };
    const submit = await pair.call("POST", SUBMIT, reportRequest([headers.CustomerAccountId!], { Time: future }), headers);
    const polls = [];
    for (let i = 0; i < 3; i++) polls.push((await pair.call("POST", POLL, { ReportRequestId: submit.json.ReportRequestId }, headers)).json.ReportRequestStatus);
    expect(polls.map((p) => p.Status)).toEqual(["Pending", "Pending", "Success"]);
    expect(polls[2]!.ReportDownloadUrl).toBeNull();
  });
});

describe("reporting faults", () => {
  it("refuses bad requests with a 100 ApiFault, foreign accounts and polls by another user with 106, a missing header with 116", async () => {
    const headers = await pair.headersFor("three@contoso.example");
    const accountId = headers.CustomerAccountId!;
    const bad = await Promise.all([
      pair.call("POST", SUBMIT, reportRequest([accountId], { Type: "KeywordPerformanceReportRequest" }), headers),
      pair.call("POST", SUBMIT, reportRequest([accountId], { Columns: ["Bogus"] }), headers),
      pair.call("POST", SUBMIT, reportRequest([]), headers),
      pair.call(
        "POST",
        SUBMIT,
        reportRequest([accountId], { Time: { CustomDateRangeStart: { Day: 31, Month: 2, Year: 2026 }, CustomDateRangeEnd: { Day: 1, Month: 3, Year: 2026 } } }),
        headers,
      ),
      pair.call("POST", POLL, { ReportRequestId: "42" }, headers),
    ]);
    for (const res of bad)
      expect({ status: res.status, type: res.json.Type, code: res.json.OperationErrors?.[0]?.Code }).toEqual({ status: 400, type: "ApiFault", code: 100 });

    const adeleAccount = pair.ads.accounts("adele@contoso.example")[0]!.Id;
    const foreign = await pair.call("POST", SUBMIT, reportRequest([accountId, adeleAccount]), headers);
    expect(faultOf(foreign)).toEqual({ status: 401, type: "AdApiFaultDetail", code: 106, errorCode: "UserIsNotAuthorized" });

    const submit = await pair.call("POST", SUBMIT, reportRequest([accountId]), headers);
    const adele = await pair.headersFor("adele@contoso.example");
    const otherUser = await pair.call("POST", POLL, { ReportRequestId: submit.json.ReportRequestId }, adele);
    expect(faultOf(otherUser)).toEqual({ status: 401, type: "AdApiFaultDetail", code: 106, errorCode: "UserIsNotAuthorized" });

    const noAccount = await pair.call("POST", SUBMIT, reportRequest([accountId]), { ...headers, CustomerAccountId: null });
    expect(faultOf(noAccount)).toEqual({ status: 400, type: "AdApiFaultDetail", code: 116, errorCode: "RequestMissingHeaders" });
    expect(pair.ads.callCount("GenerateReport/Submit")).toBeGreaterThanOrEqual(7);
  });

  it("the download URL is useless without its signature", async () => {
    const headers = await pair.headersFor("adele@contoso.example");
    const submit = await pair.call("POST", SUBMIT, reportRequest([headers.CustomerAccountId!]), headers);
    let url = "";
    await expect
      .poll(async () => {
        url = (await pair.call("POST", POLL, { ReportRequestId: submit.json.ReportRequestId }, headers)).json.ReportRequestStatus.ReportDownloadUrl ?? "";
        return url;
      })
      .not.toBe("");
    const unsigned = await fetch(url.replace(/\?sig=.*$/, ""));
    const forged = await fetch(url.replace(/sig=[0-9a-f]+/, `sig=${"0".repeat(32)}`));
    for (const res of [unsigned, forged]) {
      expect(res.status).toBe(404);
      expect(await res.text()).toContain("BlobNotFound");
    }
  });
});
