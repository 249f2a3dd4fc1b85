import { ActionsListResponseSchema, ApiErrorBodySchema, CONNECT_SUCCESS, ConnectionSchema } from "@ads-connect/shared";
import { Nango } from "@nangohq/node";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { beginSignIn, connectAs, type Harness, pickerForm, signInAs, startHarness } from "../testing/harness.js";

let h: Harness;
let nango: Nango;
beforeAll(async () => {
  h = await startHarness();
  nango = new Nango({ host: h.server.url, secretKey: h.secretKey });
});
afterAll(() => h.close());

async function connect(username: string, choose?: (ids: string[]) => string[]) {
  const { result } = await connectAs(h, username, choose ? { choose } : {});
  if (result.type !== CONNECT_SUCCESS) throw new Error(JSON.stringify(result));
  return result.connection_id;
}

/** Runs an action over HTTP (as Nango's client does) and keeps the status and error body. */
async function trigger(connectionId: string, action_name: string, input?: unknown) {
  const res = await h.api(
    "POST",
    "/action/trigger",
    { action_name, ...(input === undefined ? {} : { input }) },
    { "Connection-Id": connectionId, "Provider-Config-Key": "microsoft-ads" },
  );
  return { ...res, error: res.status >= 400 ? ApiErrorBodySchema.parse(res.json).error : null };
}

describe("pre-built actions through @nangohq/node's triggerAction", () => {
  it("list-campaigns returns the emulator's campaigns of the first selected account, with the account's headers", async () => {
    const id = await connect("three@contoso.example", (ids) => ids.slice(1));
    const [, second] = h.ads.accounts("three@contoso.example");
    const requestsBefore = h.ads.requests.length;
    const out = await nango.triggerAction<unknown, { account_id: string; campaigns: { id: string; name: string; status: string; type: string }[] }>(
      "microsoft-ads",
      id,
      "list-campaigns",
      {},
    );
    expect(out.account_id).toBe(second!.Id);
    expect(out.campaigns.map((c) => [c.id, c.name, c.status, c.type])).toEqual(
      h.ads.campaigns(second!.Id).map((c) => [c.Id, c.Name, c.Status, c.CampaignType]),
    );
    expect(out.campaigns.map((c) => c.name)).toEqual(["Contoso Shopping Brand", "Contoso Shopping Generic", "Contoso Shopping Products"]);
    const call = h.ads.requests.slice(requestsBefore).find((r) => r.operation === "Campaigns/QueryByAccountId")!;
    expect(call).toMatchObject({ customerId: second!.ParentCustomerId, customerAccountId: second!.Id, body: { AccountId: second!.Id } });
    expect(call.headerNames).toEqual(expect.arrayContaining(["authorization", "developertoken", "customerid", "customeraccountid"]));
  });

  it("list-campaigns: 1,200 campaigns complete and in Microsoft's order (one answer: Microsoft does not page campaigns)", async () => {
    const id = await connect("megan@contoso.example");
    const [account] = h.ads.accounts("megan@contoso.example");
    for (let i = 0; i < 1197; i++) h.ads.addCampaign(account!.Id, { Name: `Bulk ${String(i + 1).padStart(4, "0")}` });
    const out = await nango.triggerAction<unknown, { campaigns: { id: string }[] }>("microsoft-ads", id, "list-campaigns", {
      account_id: account!.Id,
      campaign_types: ["Search", "Shopping"],
    });
    expect(out.campaigns).toHaveLength(1200);
    expect(out.campaigns.map((c) => c.id)).toEqual(h.ads.campaigns(account!.Id).map((c) => c.Id));
  });

  it("list-accounts answers from the stored accounts, with no call to Microsoft", async () => {
    const id = await connect("agency@contoso.example", (ids) => [ids[3]!, ids[0]!]);
    const accounts = h.ads.accounts("agency@contoso.example");
    const callsBefore = h.ads.callCount();
    const selected = await nango.triggerAction<unknown, { accounts: { id: string; name: string }[] }>("microsoft-ads", id, "list-accounts");
    expect(selected.accounts.map((a) => a.id)).toEqual([accounts[0]!.Id, accounts[3]!.Id]);
    const all = await nango.triggerAction<unknown, { accounts: { id: string }[] }>("microsoft-ads", id, "list-accounts", { scope: "all" });
    expect(all.accounts.map((a) => a.id)).toEqual(accounts.map((a) => a.Id));
    expect(h.ads.callCount()).toBe(callsBefore);
  });

  it("pause-campaign then resume-campaign: the status changes at the emulator; an unknown campaign is 404", async () => {
    const id = await connect("adele@contoso.example");
    const [account] = h.ads.accounts("adele@contoso.example");
    const brand = h.ads.campaigns(account!.Id).find((c) => c.Name.endsWith("Brand"))!;
    expect(brand.Status).toBe("Active");
    expect(await nango.triggerAction("microsoft-ads", id, "pause-campaign", { campaign_id: brand.Id })).toEqual({
      account_id: account!.Id,
      campaign_id: brand.Id,
      status: "Paused",
    });
    expect(h.ads.campaigns(account!.Id).find((c) => c.Id === brand.Id)!.Status).toBe("Paused");
    const update = h.ads.requests.filter((r) => r.operation === "Campaigns/Update").at(-1)!;
    expect(update.body).toEqual({ AccountId: account!.Id, Campaigns: [{ Id: brand.Id, Status: "Paused" }] });
    expect(await nango.triggerAction("microsoft-ads", id, "resume-campaign", { campaign_id: brand.Id })).toEqual({
      account_id: account!.Id,
      campaign_id: brand.Id,
      status: "Active",
    });
    expect(h.ads.campaigns(account!.Id).find((c) => c.Id === brand.Id)!.Status).toBe("Active");
    const unknown = await trigger(id, "pause-campaign", { campaign_id: "999999999999" });
    expect(unknown.status).toBe(404);
    expect(unknown.error).toMatchObject({ code: "action_failed", message: expect.stringMatching(/999999999999 is not in account .*1100/) });
  });

  it("get-performance-report end to end: submit, pending, success, download, rows", async () => {
    // The same person again: the connection is overridden, its selection kept; the account is named.
    const id = await connect("three@contoso.example");
    const [account] = h.ads.accounts("three@contoso.example");
    // A name CSV must quote: a comma and a double quote.
    h.ads.addCampaign(account!.Id, { Name: 'Spring "Sale", 2026' });
    h.ads.reportPollsBeforeReady(2);
    const before = {
      submit: h.ads.callCount("GenerateReport/Submit"),
      poll: h.ads.callCount("GenerateReport/Poll"),
      download: h.ads.callCount("ReportDownload"),
    };
    type Report = {
      report_request_id: string;
      rows: { time_period: string | null; campaign_id: string; campaign_name: string; impressions: number; clicks: number; spend: number; ctr: number }[];
    };
    const out = await nango.triggerAction<unknown, Report>("microsoft-ads", id, "get-performance-report", {
      account_id: account!.Id,
      start_date: "2026-01-01",
      end_date: "2026-01-03",
      aggregation: "Daily",
    });
    expect(h.ads.callCount("GenerateReport/Submit") - before.submit).toBe(1);
    // Two Pending answers, then Success.
    expect(h.ads.callCount("GenerateReport/Poll") - before.poll).toBe(3);
    expect(h.ads.callCount("ReportDownload") - before.download).toBe(1);
    const submit = h.ads.requests.filter((r) => r.operation === "GenerateReport/Submit").at(-1)!;
    expect(submit.body).toMatchObject({
      ReportRequest: {
        Type: "CampaignPerformanceReportRequest",
        Scope: { AccountIds: [account!.Id] },
        Time: { CustomDateRangeStart: { Day: 1, Month: 1, Year: 2026 }, CustomDateRangeEnd: { Day: 3, Month: 1, Year: 2026 } },
      },
    });
    const campaigns = h.ads.campaigns(account!.Id);
    expect(out.rows).toHaveLength(campaigns.length * 3);
    expect(out.rows.map((r) => `${r.campaign_id} ${r.time_period}`)).toEqual(
      campaigns.flatMap((c) => ["2026-01-01", "2026-01-02", "2026-01-03"].map((d) => `${c.Id} ${d}`)),
    );
    expect(out.rows.map((r) => r.campaign_name)).toEqual(campaigns.flatMap((c) => [c.Name, c.Name, c.Name]));
    expect(out.rows.at(-1)!.campaign_name).toBe('Spring "Sale", 2026');
    for (const row of out.rows) {
      expect(row.impressions).toBeGreaterThan(0);
      expect(row.clicks).toBeLessThanOrEqual(row.impressions);
      expect(row.ctr).toBeCloseTo((row.clicks / row.impressions) * 100, 1);
    }
    h.ads.reportPollsBeforeReady(1);
  });

  it("get-performance-report defaults to the last 30 days (Summary: a row per campaign); a failed report is a clear 502", async () => {
    const id = await connect("megan@contoso.example");
    const [account] = h.ads.accounts("megan@contoso.example");
    const out = await nango.triggerAction<unknown, { start_date: null; rows: { campaign_id: string; time_period: null; impressions: number }[] }>(
      "microsoft-ads",
      id,
      "get-performance-report",
    );
    const submit = h.ads.requests.filter((r) => r.operation === "GenerateReport/Submit").at(-1)!;
    expect(submit.body).toMatchObject({ ReportRequest: { Aggregation: "Summary", Time: { PredefinedTime: "Last30Days" } } });
    expect(out.rows.map((r) => r.campaign_id)).toEqual(h.ads.campaigns(account!.Id).map((c) => c.Id));
    expect(out.rows.every((r) => r.time_period === null && r.impressions >= 200 * 30)).toBe(true);
    h.ads.failNextReports(1);
    const failed = await trigger(id, "get-performance-report", {});
    expect(failed.status).toBe(502);
    expect(failed.error).toMatchObject({ code: "action_failed", message: expect.stringMatching(/could not build report \d+/) });
  });
});

describe("errors", () => {
  it("while the end user has not chosen (the picker is open): 409 accounts_not_chosen naming the picker, nothing sent to Microsoft; an explicit account_id still works", async () => {
    const username = "three@contoso.example";
    const browser = new BrowserClient();
    const picker = await signInAs(
      browser,
      await beginSignIn(browser, h.startUrl((await h.createSession({ end_user: { id: "picker-still-open" } })).token)),
      username,
    );
    expect(pickerForm(picker)).not.toBeNull();
    const row = await h.server.db
      .selectFrom("connections")
      .select(["connection_id", "selected_account_ids"])
      .where("end_user_id", "=", "picker-still-open")
      .executeTakeFirstOrThrow();
    expect(row.selected_account_ids).toBeNull();
    const accounts = h.ads.accounts(username);
    const brand = h.ads.campaigns(accounts[0]!.Id).find((c) => c.Name.endsWith("Brand"))!;
    const callsBefore = h.ads.callCount();
    for (const [name, input] of [
      ["list-accounts", {}],
      ["list-campaigns", {}],
      ["pause-campaign", { campaign_id: brand.Id }],
      ["get-performance-report", {}],
    ] as const) {
      const refused = await trigger(row.connection_id, name, input);
      expect([name, refused.status, refused.error?.code]).toEqual([name, 409, "accounts_not_chosen"]);
      expect(refused.error!.message).toMatch(/account picker/);
    }
    expect(h.ads.callCount()).toBe(callsBefore);
    expect(h.ads.campaigns(accounts[0]!.Id).find((c) => c.Id === brand.Id)!.Status).toBe("Active");
    // The backend may still name an account itself, and list every account.
    const all = await trigger(row.connection_id, "list-accounts", { scope: "all" });
    expect((all.json as { accounts: { id: string }[] }).accounts.map((a) => a.id)).toEqual(accounts.map((a) => a.Id));
    const named = await trigger(row.connection_id, "list-campaigns", { account_id: accounts[1]!.Id });
    expect([named.status, (named.json as { account_id: string }).account_id]).toEqual([200, accounts[1]!.Id]);
  });

  it("bad input is a 400 naming each field; nothing is sent to Microsoft", async () => {
    const id = await connect("adele@contoso.example");
    const callsBefore = h.ads.callCount();
    const bad = await trigger(id, "get-performance-report", { start_date: "2026-02-30", end_date: "soon", aggregation: "Hourly" });
    expect(bad.status).toBe(400);
    expect(bad.error!.code).toBe("invalid_action_input");
    expect(new Set(bad.error!.errors!.map((e) => e.path))).toEqual(new Set(["input.aggregation", "input.end_date", "input.start_date"]));
    const missing = await trigger(id, "pause-campaign", {});
    expect(missing.status).toBe(400);
    expect(missing.error!.errors).toEqual([expect.objectContaining({ path: "input.campaign_id" })]);
    const notMine = await trigger(id, "list-campaigns", { account_id: "123" });
    expect(notMine.status).toBe(400);
    expect(notMine.error!.message).toMatch(/123 is not one of this connection's/);
    expect(h.ads.callCount()).toBe(callsBefore);
    // Nango's client sees the same error.
    await expect(nango.triggerAction("microsoft-ads", id, "pause-campaign", { campaign_id: 5 })).rejects.toMatchObject({ response: { status: 400 } });
  });

  it("arbitrary bodies and inputs: an answer or a 4xx JSON error, never a 500 or a stack trace", async () => {
    const id = await connect("adele@contoso.example");
    const body = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string(),
      fc
        .record({
          action_name: fc.oneof(fc.constantFrom("list-accounts", "list-campaigns", "pause-campaign", "resume-campaign"), fc.string()),
          input: fc.jsonValue(),
        })
        .map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        const res = await h.api("POST", "/action/trigger", raw, { "Connection-Id": id, "Provider-Config-Key": "microsoft-ads" });
        expect(res.text).not.toMatch(/\bat .+\(.+:\d+:\d+\)|node_modules|\.ts:\d+/);
        if (res.status !== 200) {
          expect(res.status, res.text).toBeGreaterThanOrEqual(400);
          expect(res.status, res.text).toBeLessThan(500);
          expect(res.json).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
        }
      }),
      { numRuns: 120 },
    );
  });

  it("unknown action 400 (Nango documents 400), unknown connection 404, missing Connection-Id 400, no secret key 401, X-Async refused", async () => {
    const id = await connect("adele@contoso.example");
    expect((await trigger(id, "no-such-action")).error).toMatchObject({ code: "unknown_action" });
    expect((await trigger(id, "no-such-action")).status).toBe(400);
    const gone = await trigger("no-such-connection", "list-accounts");
    expect([gone.status, gone.error!.code]).toEqual([404, "not_found"]);
    const noHeader = await h.api("POST", "/action/trigger", { action_name: "list-accounts" });
    expect([noHeader.status, (noHeader.json as { error: { code: string } }).error.code]).toEqual([400, "invalid_body"]);
    const noKey = await h.api("POST", "/action/trigger", { action_name: "list-accounts" }, { authorization: "Bearer wrong", "Connection-Id": id });
    expect(noKey.status).toBe(401);
    const asynchronous = await h.api("POST", "/action/trigger", { action_name: "list-accounts" }, { "Connection-Id": id, "X-Async": "true" });
    expect(asynchronous.status).toBe(400);
  });

  it("Microsoft's fault comes back typed with its code and TrackingId; 117 is a 429 with Retry-After; 109 refreshes once and retries once", async () => {
    const id = await connect("adele@contoso.example");
    h.ads.injectFault(106, { operation: "Campaigns/QueryByAccountId" });
    const fault = await trigger(id, "list-campaigns");
    expect(fault.status).toBe(502);
    expect(fault.error).toMatchObject({
      code: "msads_error",
      msads: { codes: [106], tracking_id: expect.any(String), errors: [expect.objectContaining({ code: 106, error_code: "UserIsNotAuthorized" })] },
    });
    const refreshesBefore = h.emulator.stats.tokenRequests.refresh_token;
    const queriesBefore = h.ads.callCount("Campaigns/QueryByAccountId");
    h.ads.injectFault(109, { operation: "Campaigns/QueryByAccountId" });
    const retried = await trigger(id, "list-campaigns");
    expect(retried.status).toBe(200);
    expect(h.ads.callCount("Campaigns/QueryByAccountId") - queriesBefore).toBe(2);
    expect(h.emulator.stats.tokenRequests.refresh_token - refreshesBefore).toBe(1);
    // 117: a 429, and the proxy's hold on the customer covers actions too (no call to Microsoft).
    h.ads.injectFault(117, { operation: "Campaigns/QueryByAccountId" });
    const throttled = await trigger(id, "list-campaigns");
    expect([throttled.status, throttled.error!.code, throttled.headers.get("retry-after")]).toEqual([429, "msads_rate_limited", "60"]);
    const heldBefore = h.ads.callCount("Campaigns/QueryByAccountId");
    const held = await trigger(id, "list-campaigns");
    expect([held.status, held.error!.code, h.ads.callCount("Campaigns/QueryByAccountId") - heldBefore]).toEqual([429, "msads_rate_limited", 0]);
    // The window passed (moved in the database rather than waited for): calls go through again.
    await h.server.db
      .updateTable("proxy_holds")
      .set({ until: Date.now() - 1 })
      .execute();
    expect((await trigger(id, "list-campaigns")).status).toBe(200);
  });

  it("GET /actions lists the pre-built actions with JSON Schemas", async () => {
    const res = await h.api("GET", "/actions");
    expect(res.status).toBe(200);
    const list = ActionsListResponseSchema.parse(res.json);
    expect(list.actions.map((a) => a.name)).toEqual(["list-accounts", "list-campaigns", "get-performance-report", "pause-campaign", "resume-campaign"]);
    expect(list.actions.every((a) => a.source === "prebuilt" && a.file === null)).toBe(true);
    expect(list.actions.find((a) => a.name === "pause-campaign")!.input_schema).toMatchObject({ type: "object", required: ["campaign_id"] });
    expect(list.failed).toEqual([]);
  });

  it("the developer token, the access token and the secret key appear in no log line and no action answer", async () => {
    const id = await connect("adele@contoso.example");
    const answers = [await trigger(id, "list-campaigns"), await trigger(id, "list-accounts")];
    h.ads.injectFault(105, { operation: "Campaigns/QueryByAccountId" });
    answers.push(await trigger(id, "list-campaigns"));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 502]);
    const accessToken = ConnectionSchema.parse((await h.api("GET", `/connections/${id}`)).json).credentials.access_token;
    const secrets = [h.server.config.microsoft.adsDeveloperToken, accessToken, h.secretKey];
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      for (const answer of answers) expect(answer.text).not.toContain(secret);
      expect(h.logs.filter((l) => l.includes(secret))).toEqual([]);
    }
  });
});
