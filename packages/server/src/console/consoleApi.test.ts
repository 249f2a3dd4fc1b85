import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "../routes/openapi/document.js";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";
import { openApiValidator } from "../testing/openapiValidator.js";

const documented = openApiValidator(buildOpenApiDocument() as never);
/** Every answer of the console API, checked against the OpenAPI document at the end. */
const answers: { method: string; path: string; status: number; body: unknown }[] = [];

const OPERATOR_KEY = "operator-key-0123456789abcdefghijklmnopqrstuv";

describe("the operator console's API", () => {
  let h: Harness;
  let cookie = "";
  let connectionId = "";
  const consoleApi = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await httpRequest(`${h.server.url}/console/api${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json", "content-length": String(Buffer.byteLength(JSON.stringify(body))) }),
        ...(cookie ? { cookie } : {}),
        ...(method === "GET" ? {} : { "x-console-request": "1", origin: h.server.url }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = res.text.startsWith("{") ? (JSON.parse(res.text) as unknown) : undefined;
    const template = `/console/api${path
      .split("?")[0]!
      .replace(connectionId, "{id}")
      .replace(/\/operations\/[^/]+$/, "/operations/{id}")}`;
    answers.push({ method, path: template, status: res.status, body: json });
    return { ...res, json };
  };

  beforeAll(async () => {
    h = await startHarness({ env: { CONSOLE_OPERATOR_KEY: OPERATOR_KEY, RATE_LIMIT_CONSOLE_SIGN_IN: "5" } });
    await connectAs(h, "adele@contoso.example");
    const list = (await h.api("GET", "/connections")).json as { connections: { connection_id: string }[] };
    connectionId = list.connections[0]!.connection_id;
  });
  afterAll(() => h.close());

  it("refuses without a session, and a wrong key, with clear JSON errors", async () => {
    expect(await consoleApi("GET", "/overview")).toMatchObject({ status: 401, json: { error: { code: "console_sign_in_required" } } });
    expect(await consoleApi("POST", "/session", { key: "wrong" })).toMatchObject({ status: 401, json: { error: { code: "console_key_invalid" } } });
    // The API secret key is not the operator key.
    expect(await consoleApi("POST", "/session", { key: h.secretKey })).toMatchObject({ status: 401, json: { error: { code: "console_key_invalid" } } });
  });

  it("refuses a change without the console's header or from another origin (CSRF)", async () => {
    expect(await consoleApi("POST", "/session", { key: OPERATOR_KEY }, { "x-console-request": "" })).toMatchObject({
      status: 403,
      json: { error: { code: "console_request_refused" } },
    });
    expect(await consoleApi("POST", "/session", { key: OPERATOR_KEY }, { origin: "https://evil.example" })).toMatchObject({ status: 403 });
  });

  it("signs in with the operator key: an HttpOnly, SameSite=Strict, expiring cookie", async () => {
    const res = await consoleApi("POST", "/session", { key: OPERATOR_KEY });
    expect(res.status).toBe(200);
    const setCookie = res.setCookies[0] ?? "";
    expect(setCookie).toMatch(/^adsc_console=adsc_op_/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toMatch(/Max-Age=\d+/);
    expect(setCookie).toContain("Path=/console");
    expect(setCookie).not.toContain("Secure"); // http PUBLIC_URL
    cookie = setCookie.split(";")[0]!;
    expect(await consoleApi("GET", "/session")).toMatchObject({ status: 200, json: { signed_in: true } });
  });

  it("the overview's connection counts are the integration status's", async () => {
    const overview = (await consoleApi("GET", "/overview?range=7d")).json as {
      connections: unknown;
      totals: { connects_succeeded: number };
      buckets: string[];
    };
    const status = (await h.api("GET", "/integrations/microsoft-ads/status")).json as { data: { connections: unknown } };
    expect(overview.connections).toEqual(status.data.connections);
    expect(overview.totals.connects_succeeded).toBe(1);
    expect(overview.buckets).toHaveLength(28);
    expect(await consoleApi("GET", "/overview?range=1y")).toMatchObject({ status: 400, json: { error: { code: "invalid_query" } } });
  });

  it("finds the connection by end user email (any case), end user id, account number and connection id", async () => {
    const detail = (await consoleApi("GET", `/connections/${connectionId}`)).json as { connection: { accounts: { id: string; number: string }[] } };
    const account = detail.connection.accounts[0]!;
    for (const q of ["OWNER@product.example", "end-user-1", account.number.toLowerCase(), account.id, connectionId]) {
      const found = (await consoleApi("GET", `/connections?q=${encodeURIComponent(q)}`)).json as { total: number; connections: { connection_id: string }[] };
      expect({ q, ids: found.connections.map((c) => c.connection_id) }).toEqual({ q, ids: [connectionId] });
    }
    expect(((await consoleApi("GET", "/connections?q=nobody@example.com")).json as { total: number }).total).toBe(0);
    expect(((await consoleApi("GET", "/connections?status=expired")).json as { total: number }).total).toBe(0);
  });

  it("delete needs the typed confirmation", async () => {
    expect(await consoleApi("DELETE", `/connections/${connectionId}`, { confirm: "nope" })).toMatchObject({
      status: 400,
      json: { error: { code: "confirmation_mismatch" } },
    });
    expect((await consoleApi("POST", `/connections/${connectionId}/reconnect-link`)).json).toMatchObject({ connect_link: expect.stringContaining("http") });
  });

  it("records each action as an admin/operator_action operation, read back through the console's timeline", async () => {
    const timeline = (await consoleApi("GET", `/connections/${connectionId}/operations`)).json as {
      available: boolean;
      operations: { id: string; type: string; action: string; state: string; meta: { operatorAction: string } }[];
    };
    expect(timeline.available).toBe(true);
    const op = timeline.operations.find((o) => o.type === "admin" && o.action === "operator_action");
    expect(op).toMatchObject({ state: "success", meta: { operatorAction: "reconnect_link" } });
    const detail = (await consoleApi("GET", `/operations/${op!.id}`)).json as { messages: { message: string }[] };
    expect(detail.messages[0]?.message).toContain("reconnect link");
    const api = (await h.api("GET", `/logs/operations?connection_id=${connectionId}`)).json as { operations: { id: string }[] };
    expect(api.operations.map((o) => o.id)).toContain(op!.id);
  });

  it("signs out: the session no longer works", async () => {
    const old = cookie;
    expect((await consoleApi("DELETE", "/session")).status).toBe(200);
    cookie = old;
    expect(await consoleApi("GET", "/overview")).toMatchObject({ status: 401, json: { error: { code: "console_sign_in_required" } } });
  });

  it("rate-limits sign-in tries per client", async () => {
    cookie = "";
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await consoleApi("POST", "/session", { key: "wrong" })).status);
    expect(statuses.at(-1)).toBe(429);
  });

  it("every answer is as the OpenAPI document says", () => {
    expect(answers.length).toBeGreaterThan(15);
    expect(answers.flatMap((a) => documented.check(a.method, a.path, a.status, a.body))).toEqual([]);
  });

  it("serves the app under a strict CSP with no inline script", async () => {
    const res = await h.api("GET", "/console/connections", undefined, { authorization: "" });
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

describe("the operator console without an operator key", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("says it is off: a page at /console, a JSON 404 on its API", async () => {
    const page = await h.api("GET", "/console", undefined, { authorization: "" });
    expect(page.status).toBe(404);
    expect(page.text).toContain("The operator console is off");
    expect(page.text).toContain("CONSOLE_OPERATOR_KEY");
    const api = await h.api("POST", "/console/api/session", { key: "anything" }, { authorization: "", "x-console-request": "1" });
    expect(api).toMatchObject({ status: 404, json: { error: { code: "console_off" } } });
  });
});
