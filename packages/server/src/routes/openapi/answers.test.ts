import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserClient } from "../../testing/browserClient.js";
import { connectAs, type Harness, startHarness, WIDGET_ORIGIN } from "../../testing/harness.js";
import { openApiValidator } from "../../testing/openapiValidator.js";
import { buildOpenApiDocument } from "./document.js";

const nangoExcerpt = JSON.parse(readFileSync(new URL("../../../../../docs/reference/nango-excerpt.json", import.meta.url), "utf8"));
const ours = openApiValidator(buildOpenApiDocument() as never);
const nango = openApiValidator(nangoExcerpt);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

interface Answer {
  method: string;
  /** The documented path (template) the call went to. */
  path: string;
  status: number;
  body: unknown;
}

/** One API call; its answer is kept for the checks below. */
async function call(answers: Answer[], method: string, path: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Answer> {
  const res = await h.api(method, url, body, headers);
  const answer = { method, path, status: res.status, body: res.json };
  answers.push(answer);
  return answer;
}

describe("answers of the API against the documents", () => {
  const answers: Answer[] = [];
  const shared: Answer[] = [];

  beforeAll(async () => {
    const both = async (...args: Parameters<typeof call> extends [unknown, ...infer R] ? R : never) => {
      const answer = await call(answers, ...args);
      shared.push(answer);
      return answer;
    };
    const session = await both("POST", "/connect/sessions", "/connect/sessions", { end_user: { id: "openapi-user", email: "o@product.example" } });
    await both("POST", "/connect/sessions", "/connect/sessions", { end_user: {} });
    const token = (session.body as { data: { token: string } }).data.token;
    const statusRes = await fetch(`${h.server.url}/connect/session/status`, { headers: { authorization: `Bearer ${token}` } });
    answers.push({ method: "GET", path: "/connect/session/status", status: statusRes.status, body: await statusRes.json() });
    const noToken = await fetch(`${h.server.url}/connect/session/status`);
    answers.push({ method: "GET", path: "/connect/session/status", status: noToken.status, body: await noToken.json() });

    // Redirect mode's result token, from a start that goes straight back (an unknown session).
    const back = await new BrowserClient().postForm(
      `${h.server.url}/oauth/connect/microsoft-ads/redirect`,
      { connect_session_token: "adsc_cs_unknown", return_to: `${WIDGET_ORIGIN}/` },
      { follow: false, headers: { origin: WIDGET_ORIGIN } },
    );
    const resultToken = new URL(back.headers.get("location")!).searchParams.get("adsc_result")!;
    for (let i = 0; i < 2; i++) {
      await call(answers, "POST", "/connect/redirect/result", "/connect/redirect/result", undefined, {
        authorization: `Bearer ${resultToken}`,
        origin: WIDGET_ORIGIN,
      });
    }

    const { result } = await connectAs(h, "adele@contoso.example", { token });
    if (result.type !== "ads-connect:success") throw new Error("connect failed");
    const id = result.connection_id;
    const connection = { "Connection-Id": id, "Provider-Config-Key": "microsoft-ads" };

    await both("POST", "/connect/sessions/reconnect", "/connect/sessions/reconnect", { connection_id: id, integration_id: "microsoft-ads" });
    await call(answers, "POST", "/connect/sessions/change-accounts", "/connect/sessions/change-accounts", {
      connection_id: id,
      integration_id: "microsoft-ads",
    });
    await both("GET", "/connections", "/connections");
    await both("GET", "/connections", "/connections?limit=0");
    await both("GET", "/connections/{connectionId}", `/connections/${id}?provider_config_key=microsoft-ads`);
    await both("GET", "/connections/{connectionId}", "/connections/no-such-connection?provider_config_key=microsoft-ads");
    await both("PATCH", "/connections/{connectionId}", `/connections/${id}?provider_config_key=microsoft-ads`, { tags: { plan: "pro" } });
    await both("GET", "/records", "/records?model=AdAccount", undefined, connection);
    await both("GET", "/records", "/records", undefined, connection);
    await call(answers, "POST", "/connections/{connectionId}/sync", `/connections/${id}/sync`);
    await call(answers, "POST", "/sync/trigger", "/sync/trigger", { provider_config_key: "microsoft-ads", connection_id: id, syncs: ["accounts"] });
    const syncBody = { provider_config_key: "microsoft-ads", connection_id: id, syncs: ["campaigns"] };
    await call(answers, "POST", "/sync/pause", "/sync/pause", syncBody);
    await call(answers, "POST", "/sync/pause", "/sync/pause", { ...syncBody, syncs: ["nope"] });
    await call(answers, "POST", "/sync/start", "/sync/start", syncBody);
    await call(answers, "GET", "/sync/status", `/sync/status?provider_config_key=microsoft-ads&syncs=*&connection_id=${id}`);
    await call(answers, "GET", "/sync/status", "/sync/status?provider_config_key=microsoft-ads&syncs=*&connection_id=nope");
    const frequency = { provider_config_key: "microsoft-ads", connection_id: id, sync_name: "campaigns", frequency: "every 2 hours" };
    await call(answers, "PUT", "/sync/update-connection-frequency", "/sync/update-connection-frequency", frequency);
    await call(answers, "PUT", "/sync/update-connection-frequency", "/sync/update-connection-frequency", { ...frequency, frequency: "often" });
    await call(answers, "GET", "/actions", "/actions");
    await both("POST", "/action/trigger", "/action/trigger", { action_name: "list-accounts" }, connection);
    await both("POST", "/action/trigger", "/action/trigger", { action_name: "no-such-action" }, connection);
    await call(answers, "GET", "/proxy/{endpoint}", "/proxy/CustomerManagement/v13/User/Query", undefined, {});
    await call(answers, "GET", "/webhooks/deliveries", "/webhooks/deliveries");
    const operations = await call(answers, "GET", "/logs/operations", `/logs/operations?connection_id=${id}&limit=5`);
    await call(answers, "GET", "/logs/operations", "/logs/operations?state=nope");
    const operationId = (operations.body as { operations: { id: string }[] }).operations[0]?.id ?? "none";
    await call(answers, "GET", "/logs/operations/{id}", `/logs/operations/${operationId}`);
    await call(answers, "GET", "/logs/operations/{id}", "/logs/operations/no-such-operation");
    await call(answers, "GET", "/integrations/{integration}/status", "/integrations/microsoft-ads/status");
    await call(answers, "GET", "/integrations/{integration}/status", "/integrations/other/status");
    await call(answers, "GET", "/health", "/health");
    await call(answers, "GET", "/healthz", "/healthz");
    await call(answers, "GET", "/readyz", "/readyz");
    await call(answers, "GET", "/actions", "/actions", undefined, { authorization: "Bearer wrong" });
    await both("DELETE", "/connections/{connectionId}", `/connections/${id}?provider_config_key=microsoft-ads`);
  });

  it("every answer conforms to ads-connect's document (status documented, body valid)", () => {
    expect(answers.flatMap((a) => ours.check(a.method, a.path, a.status, a.body))).toEqual([]);
  });

  it("every documented JSON API route was called, with a success and with an error", () => {
    const doc = buildOpenApiDocument();
    const api = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops as Record<string, { tags: string[] }>)
        .filter(
          ([method, op]) =>
            // The operator console's API (cookie auth) is checked against this document by console/consoleApi.test.ts.
            !["Browser pages", "Proxy", "Operator console"].includes(op.tags[0]!) &&
            method !== "options" &&
            !["/openapi.json", "/health", "/healthz", "/readyz"].includes(path),
        )
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    const seen = (ok: boolean) => new Set(answers.filter((a) => a.status < 400 === ok).map((a) => `${a.method} ${a.path}`));
    expect(api.filter((op) => !seen(true).has(op))).toEqual([]);
    // An error answer's shape is one schema (Error); one error per area of the API shows it.
    expect(seen(false).size).toBeGreaterThanOrEqual(6);
  });

  it("the endpoints shared with Nango answer as Nango's document says", () => {
    expect(shared.flatMap((a) => nango.check(a.method, a.path, a.status, a.body))).toEqual([]);
  });
});
