import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../server.js";
import { BrowserClient } from "../testing/browserClient.js";
import { connectAs, type Harness, pickerForm, resultOf, signInAs, startHarness, submitPicker, submitStart } from "../testing/harness.js";
import { startLoadBalancer } from "../testing/loadBalancer.js";
import { type ReceivedSpan, startOtlpReceiver } from "../testing/otlpReceiver.js";

// Two instances on one database behind one PUBLIC_URL (a load balancer), exporting OTLP/HTTP JSON
// to a collector the test runs: a connect flow must arrive as one trace, whichever instance served
// each of its requests.
let h: Harness;
let b: RunningServer;
let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
let lb: Awaited<ReturnType<typeof startLoadBalancer>>;

beforeAll(async () => {
  otlp = await startOtlpReceiver();
  lb = await startLoadBalancer();
  h = await startHarness({
    env: {
      PUBLIC_URL: lb.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_SERVICE_NAME: "ads-connect-under-test",
      ACCOUNT_SYNC: "off",
      REFRESH_AHEAD: "off",
    },
  });
  b = await h.startInstance();
});

afterAll(async () => {
  await b?.close();
  await h?.close();
  await lb?.close();
  await otlp?.close();
});

/** Tokens the tests saw, for the scan of everything exported. */
const tokensSeen: string[] = [];
const SERVER = 2;
const CLIENT = 3;
const USER = "three@contoso.example";

/** A whole connect with the account picker through the load balancer; `callbackOn` serves Microsoft's redirect back and the picker. */
async function connect(startOn: string, callbackOn: string) {
  lb.route(startOn);
  const delivered = h.webhooks.received.length;
  const { token } = await h.createSession({ end_user: { id: `otel-${callbackOn}`, email: "person@product.example" } });
  const browser = new BrowserClient();
  const loginPage = await submitStart(browser, await browser.get(h.startUrl(token)), "continue");
  const redirect = await signInAs(browser, loginPage, USER, { follow: false });
  const callback = redirect.headers.get("location");
  if (!callback) throw new Error(`No redirect back from the emulator: ${redirect.status}`);
  lb.route(callbackOn);
  const served = lb.served.length;
  const pickerPage = await browser.get(new URL(callback, redirect.url).href);
  const picker = pickerForm(pickerPage);
  expect(picker?.mode).toBe("multiple");
  const page = await submitPicker(browser, pickerPage, picker!.accountIds);
  const result = resultOf(page);
  expect(result.type).toBe("ads-connect:success");
  const callbackServedBy = lb.served.slice(served).find((s) => s.path.endsWith("/callback"))?.target;
  // The creation webhook (released by the picker) carries the trace on: its delivery is part of it.
  const [webhook] = (await h.webhooks.waitFor(delivered + 1)).slice(delivered);
  const traceId = /^00-([0-9a-f]{32})-[0-9a-f]{16}-0[01]$/.exec(String(webhook!.headers.traceparent))?.[1];
  expect(traceId).toBeDefined();
  // The delivery's span ends once its result is written, just after the receiver has the webhook.
  await exported((s) => s.traceId === traceId && s.name === "ads_connect webhook deliver");
  return { traceId: traceId!, callbackServedBy, spans: otlp.spans.filter((s) => s.traceId === traceId) };
}

/** Flushes the SDK until a span matching `predicate` has reached the collector (5 s at most). */
async function exported(predicate: (s: ReceivedSpan) => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    await h.server.telemetry.flush();
    if (otlp.spans.some(predicate)) return;
    if (Date.now() > deadline) throw new Error("the span never reached the collector");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The one span named `name` of a trace's spans (fails on none or several). */
function only(spans: ReceivedSpan[], predicate: (s: ReceivedSpan) => boolean, what: string): ReceivedSpan {
  const found = spans.filter(predicate);
  if (found.length !== 1) throw new Error(`expected one ${what}, got ${found.length}: ${spans.map((s) => s.name).join(", ")}`);
  return found[0]!;
}

function expectConnectTree(spans: ReceivedSpan[], traceId: string) {
  const byName = (name: string) => only(spans, (s) => s.name === name, name);
  const root = byName("POST /connect/sessions");
  expect(root).toMatchObject({ kind: SERVER, parentSpanId: undefined });
  expect(root.resource["service.name"]).toBe("ads-connect-under-test");
  // Each request of the flow is a server span under the session's creation, on either instance.
  const start = byName("GET /oauth/connect/:integration");
  const proceed = byName("POST /oauth/connect/microsoft-ads/continue");
  const callback = byName("GET /oauth/callback");
  const picker = byName("POST /oauth/connect/microsoft-ads/accounts");
  for (const step of [start, proceed, callback, picker]) {
    expect(step.kind).toBe(SERVER);
    expect(step.parentSpanId).toBe(root.spanId);
    expect(step.attributes["http.request.method"]).toBe(step.name.split(" ")[0]);
    expect(step.attributes["http.response.status_code"]).toBeLessThan(400);
  }
  expect(callback.attributes["url.path"]).toBe("/oauth/callback"); // never the query (code, state)
  // The callback: the code exchange with Entra (a client span), then account discovery, whose
  // calls to Microsoft Advertising are client spans carrying the trace to it.
  const exchange = only(spans, (s) => s.kind === CLIENT && s.attributes["ads_connect.peer"] === "microsoft_entra", "Entra client span");
  expect(exchange.parentSpanId).toBe(callback.spanId);
  expect(exchange.attributes["url.full"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[^?]*token$/);
  const sync = byName("ads_connect sync run");
  expect(sync.parentSpanId).toBe(callback.spanId);
  expect(sync.attributes).toMatchObject({
    "ads_connect.operation.type": "sync",
    "ads_connect.operation.action": "run",
    "ads_connect.integration": "microsoft-ads",
  });
  const adsCalls = spans.filter((s) => s.kind === CLIENT && s.attributes["ads_connect.peer"] === "microsoft_advertising");
  expect(adsCalls.length).toBeGreaterThanOrEqual(2);
  for (const call of adsCalls) {
    expect(call.parentSpanId).toBe(sync.spanId);
    expect(call.attributes["http.response.status_code"]).toBe(200);
    // The Ads emulator received this very span as its parent.
    expect(h.ads.requests.some((r) => r.traceparent === `00-${traceId}-${call.spanId}-01`)).toBe(true);
  }
  const deliver = byName("ads_connect webhook deliver");
  expect(deliver.parentSpanId).toBe(callback.spanId);
  expect(deliver.attributes).toMatchObject({ "ads_connect.operation.type": "webhook", "http.response.status_code": 200 });
  // Every span is one of these, and each parent is in the trace: one tree.
  const ids = new Set(spans.map((s) => s.spanId));
  for (const s of spans) if (s !== root) expect(ids.has(s.parentSpanId!)).toBe(true);
  expect(spans).toHaveLength(8 + adsCalls.length);
  expect(sync.attributes["ads_connect.connection.id"]).toBeTruthy();
}

describe("a connect flow is one trace", () => {
  it("on one instance: session → start → continue → callback (Entra, discovery at Microsoft Advertising) → picker → webhook; metrics counted", async () => {
    const { traceId, spans } = await connect(h.server.address, h.server.address);
    expectConnectTree(spans, traceId);
    expect(otlp.total("ads_connect.connects", { "ads_connect.outcome": "success" })).toBe(1);
    expect(otlp.total("ads_connect.sync.runs", { "ads_connect.sync.model": "accounts", "ads_connect.outcome": "success" })).toBe(1);
    expect(otlp.total("ads_connect.sync.duration", { "ads_connect.sync.model": "accounts" })).toBe(1);
    expect(otlp.total("ads_connect.webhook.deliveries", { "ads_connect.outcome": "delivered" })).toBe(1);
    // Gauges read from the database (cached for 10 s between collections).
    expect(otlp.metric("ads_connect.webhook.backlog")).toEqual([expect.objectContaining({ value: expect.any(Number) })]);
    expect(otlp.metric("ads_connect.webhook.oldest_pending_age")).toEqual([expect.objectContaining({ value: expect.any(Number) })]);
    expect(otlp.metric("ads_connect.msads.holds.active")).toEqual([expect.objectContaining({ value: 0 })]);
    // The database pool's gauges: PostgreSQL's pool (SQLite has one connection and reports none).
    if (h.server.config.databaseUrl) {
      expect(otlp.total("ads_connect.db.pool.max")).toBe(h.server.config.databasePool.size);
      expect(otlp.metric("ads_connect.db.pool.connections").map((p) => p.attributes.state)).toEqual(expect.arrayContaining(["used", "idle"]));
    } else expect(otlp.metric("ads_connect.db.pool.max")).toEqual([]);
  });

  it("with Microsoft's redirect back (and the picker) served by the second instance: still one trace under the session's creation", async () => {
    const { traceId, spans, callbackServedBy } = await connect(h.server.address, b.address);
    expect(callbackServedBy).toBe(b.address);
    expect(lb.served.some((s) => s.target === h.server.address && s.path === "/oauth/connect/microsoft-ads")).toBe(true);
    expectConnectTree(spans, traceId);
    expect(otlp.total("ads_connect.connects", { "ads_connect.outcome": "success" })).toBe(2);
  });

  it("an incoming traceparent is honoured: the session's creation joins the caller's trace, and so does the flow", async () => {
    lb.route(h.server.address);
    const callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const res = await h.api("POST", "/connect/sessions", { end_user: { id: "traced-caller" } }, { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` });
    expect(res.status).toBe(201);
    const token = (res.json as { data: { token: string } }).data.token;
    const startPage = await new BrowserClient().get(h.startUrl(token));
    expect(startPage.status).toBe(200);
    await h.server.telemetry.flush();
    const trace = otlp.spans.filter((s) => s.traceId === callerTrace);
    const created = only(trace, (s) => s.name === "POST /connect/sessions", "session creation");
    expect(created.parentSpanId).toBe("00f067aa0ba902b7");
    expect(only(trace, (s) => s.name === "GET /oauth/connect/:integration", "start page").parentSpanId).toBe(created.spanId);
  });

  it("a proxy call (its upstream call a client span Microsoft receives), a throttled one (117), an action and a forced refresh are traced and counted", async () => {
    lb.route(h.server.address);
    const { result } = await connectAs(h, "adele@contoso.example");
    if (result.type !== "ads-connect:success") throw new Error(`connect failed: ${JSON.stringify(result)}`);
    const id = result.connection_id;
    const account = h.ads.accounts("adele@contoso.example")[0]!;
    const headers = { "Connection-Id": id, "Provider-Config-Key": "microsoft-ads" };
    const proxied = () => h.api("POST", "/proxy/CampaignManagement/v13/Campaigns/QueryByAccountId", { AccountId: account.Id }, headers);
    expect((await proxied()).status).toBe(200);
    h.ads.throttle(0);
    const throttled = await proxied();
    h.ads.throttle(null);
    expect(throttled.status).toBe(429);
    const campaigns = await h.api("POST", "/action/trigger", { action_name: "list-campaigns" }, headers);
    expect(campaigns.status).toBe(429); // the customer is held: the action's call is refused too
    const refreshed = await h.api("GET", `/connections/${id}?force_refresh=true&refresh_token=true`);
    expect(refreshed.status).toBe(200);
    const { credentials } = refreshed.json as { credentials: { access_token: string; refresh_token: string } };
    tokensSeen.push(credentials.access_token, credentials.refresh_token);
    await exported((s) => s.name === "ads_connect refresh_token" && s.attributes["ads_connect.connection.id"] === id);

    const mine = otlp.spans.filter((s) => s.attributes["ads_connect.connection.id"] === id);
    const calls = mine.filter((s) => s.name === "ads_connect proxy call");
    expect(calls.map((c) => c.attributes["http.response.status_code"])).toEqual([200, 429, 429]);
    const [ok, held, inAction] = calls as [ReceivedSpan, ReceivedSpan, ReceivedSpan];
    expect(ok.attributes).toMatchObject({
      "ads_connect.operation.type": "proxy",
      "ads_connect.operation.action": "call",
      "ads_connect.integration": "microsoft-ads",
    });
    const okServer = only(otlp.spans, (s) => s.spanId === ok.parentSpanId, "the proxy request's server span");
    expect(okServer).toMatchObject({ kind: SERVER, attributes: { "http.request.method": "POST", "http.response.status_code": 200 } });
    const upstream = only(otlp.spans, (s) => s.parentSpanId === ok.spanId && s.kind === CLIENT, "the upstream call");
    expect(upstream.attributes).toMatchObject({ "ads_connect.peer": "microsoft_advertising", "http.response.status_code": 200 });
    expect(upstream.attributes["url.full"]).toMatch(/\/CampaignManagement\/v13\/Campaigns\/QueryByAccountId$/);
    expect(h.ads.requests.some((r) => r.traceparent === `00-${ok.traceId}-${upstream.spanId}-01`)).toBe(true);
    // The 117: recorded with its fault code; the held call never left (no client span under it).
    expect(held.attributes).toMatchObject({ "error.type": "msads_rate_limited", "ads_connect.msads.fault_code": "117" });
    expect(held.status?.code).toBe(2);
    const action = only(mine, (s) => s.name === "ads_connect action run", "action span");
    expect(action.attributes).toMatchObject({
      "ads_connect.operation.type": "action",
      "ads_connect.action.name": "list-campaigns",
      "error.type": "msads_rate_limited",
    });
    expect(inAction.parentSpanId).toBe(action.spanId);
    expect(otlp.spans.some((s) => s.parentSpanId === inAction.spanId)).toBe(false);
    // The read that forced a refresh: the fast path makes no server span, the refresh is a trace of its own.
    const refresh = only(mine, (s) => s.name === "ads_connect refresh_token", "refresh span");
    expect(refresh).toMatchObject({
      parentSpanId: undefined,
      attributes: { "ads_connect.operation.action": "refresh_token", "ads_connect.refresh.reason": "forced" },
    });
    const entra = only(otlp.spans, (s) => s.parentSpanId === refresh.spanId && s.kind === CLIENT, "refresh's call to Entra");
    expect(entra.attributes["ads_connect.peer"]).toBe("microsoft_entra");

    expect(otlp.total("ads_connect.proxy.calls", { "http.response.status_code": 200 })).toBe(1);
    expect(otlp.total("ads_connect.proxy.calls", { "http.response.status_code": 429 })).toBe(2);
    expect(otlp.total("ads_connect.proxy.calls", { "http.response.status_code": 429, "ads_connect.msads.fault_code": "117" })).toBe(1);
    expect(otlp.total("ads_connect.refreshes", { "ads_connect.outcome": "success", "ads_connect.refresh.reason": "forced" })).toBe(1);
    expect(otlp.total("ads_connect.refresh.duration", { "ads_connect.outcome": "success" })).toBe(1);
    expect(otlp.total("ads_connect.token.reads")).toBeGreaterThanOrEqual(1);
  });

  it("no token, code, secret, e-mail address or query string in anything exported", () => {
    const exported = otlp.bodies.join("\n");
    expect(exported).not.toContain(h.secretKey);
    expect(tokensSeen.length).toBeGreaterThanOrEqual(2);
    for (const token of tokensSeen) expect(exported).not.toContain(token);
    expect(exported).not.toContain("person@product.example");
    expect(exported).not.toContain(USER);
    expect(exported).not.toMatch(/connect_session_token|adsc_cs_|[?&](code|state)=|Bearer /);
  });
});
