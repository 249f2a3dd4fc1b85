import { timingSafeEqual } from "node:crypto";
import { type Request, Router } from "express";
import type { AdsState } from "./AdsState.js";
import { type AccessTokenLookup, adsAuthenticator } from "./adsAuth.js";
import { ADS_FAULTS, AdsFault, invalidRequest } from "./adsFaults.js";
import { newSignature, parseReportRequest, reportCsvLines, reportHasRows, reportRowCount, reportRows, writeZippedReport } from "./adsReports.js";
import { objectBody } from "./objectBody.js";

/**
 * Reporting v13 REST: SubmitGenerateReport (`POST /GenerateReport/Submit`) → `ReportRequestId`;
 * PollGenerateReport (`POST /GenerateReport/Poll`) → Pending for the first polls, then Success with a
 * download URL (null when the report has no rows, as Microsoft does) or Error; the URL needs no
 * headers (Microsoft's is pre-signed) and serves a ZIP holding the CSV.
 */
export function reportingRoutes(state: AdsState, lookup: AccessTokenLookup): Router {
  const router = Router();
  const { account } = adsAuthenticator(state, lookup);

  router.post("/Reporting/v13/GenerateReport/Submit", (req, res) => {
    const call = account(req, "GenerateReport/Submit");
    const spec = parseReportRequest(objectBody(req.body));
    for (const id of spec.accountIds) if (!state.reaches(call.user, call.customerId, id)) throw new AdsFault(ADS_FAULTS[106], "AdApiFaultDetail");
    const id = state.newReportId();
    const failing = state.failingReports > 0;
    if (failing) state.failingReports--;
    state.reports.set(id, {
      id,
      userId: call.user.Id,
      request: spec,
      polls: 0,
      status: failing ? "Error" : "Pending",
      signature: newSignature(),
      hasRows: false,
    });
    res.json({ ReportRequestId: id });
  });

  router.post("/Reporting/v13/GenerateReport/Poll", (req, res) => {
    const call = account(req, "GenerateReport/Poll");
    const body = objectBody(req.body);
    const id = body.ReportRequestId;
    if (typeof id !== "string" || id === "") throw invalidRequest("ReportRequestId is required.");
    const job = state.reports.get(id);
    if (!job) throw invalidRequest("The report request id is invalid.");
    // Microsoft: poll with the same user credentials that submitted.
    if (job.userId !== call.user.Id) throw new AdsFault(ADS_FAULTS[106], "AdApiFaultDetail");
    job.polls++;
    let url: string | null = null;
    if (job.status === "Pending" && job.polls > state.reportPollsBeforeReady) {
      job.hasRows = reportHasRows(job.request, reportAccounts(job.request.accountIds));
      job.status = "Success";
    }
    if (job.status === "Success" && job.hasRows) url = `${origin(req)}/ReportDownload/${job.id}.zip?sig=${job.signature}`;
    res.json({ ReportRequestStatus: { ReportDownloadUrl: url, Status: job.status } });
  });

  router.get("/ReportDownload/:file", async (req, res) => {
    state.calls.ReportDownload = (state.calls.ReportDownload ?? 0) + 1;
    const match = /^(\d+)\.zip$/.exec(req.params.file);
    const job = match ? state.reports.get(match[1]!) : undefined;
    const sig = typeof req.query.sig === "string" ? Buffer.from(req.query.sig) : Buffer.alloc(0);
    const expected = job ? Buffer.from(job.signature) : Buffer.alloc(0);
    if (!job?.hasRows || sig.length !== expected.length || !timingSafeEqual(sig, expected)) {
      // Azure storage answers an unknown or unsigned blob with a 404 and an XML body.
      res
        .status(404)
        .type("application/xml")
        .send('<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.</Message></Error>');
      return;
    }
    // Made as it is sent: a year of a thousand campaigns is 365,000 rows.
    const { request } = job;
    const accounts = reportAccounts(request.accountIds);
    const now = Date.now();
    const rowCount = reportRowCount(request, accounts, now);
    res.type("application/x-zip-compressed");
    await writeZippedReport(job.id, reportCsvLines(request, reportRows(request, accounts, now, state.lateConversions), rowCount, now), res);
  });

  const reportAccounts = (accountIds: string[]) =>
    accountIds.map((accountId) => ({ account: state.accounts.get(accountId)!, campaigns: state.campaignsOf(accountId) }));

  return router;
}

function origin(req: Request): string {
  return `${req.protocol}://${req.get("host") ?? "127.0.0.1"}`;
}
