import { createServer, request, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app.js";
import { connectAs, startHarness, type Harness } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";

// The fast reads (ahead of Express, and as Express middleware) against the Express routes, on one
// server's services: every answer, success or error, must be the same, headers (names, order,
// values) and body.
let h: Harness;
let connectionId: string;
let expiredId: string;
const servers: Server[] = [];
/** Whether the fast reads answered each request the `fast` server got, in order. */
const answeredFast: boolean[] = [];
let fastUrl: string;
let middlewareUrl: string;
let expressUrl: string;

async function listen(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  h = await startHarness({ env: { RATE_LIMIT: "off", REFRESH_AHEAD: "off" } });
  for (const [name, target] of [["adele@contoso.example", "connectionId"], ["megan@contoso.example", "expiredId"]] as const) {
    const { result } = await connectAs(h, name);
    if (result.type !== "ads-connect:success") throw new Error("setup connect failed");
    if (target === "connectionId") connectionId = result.connection_id;
    else expiredId = result.connection_id;
  }
  await h.server.db.updateTable("connections").set({ status: "expired" }).where("connection_id", "=", expiredId).execute();
  // Both answer under a path prefix too, as with PUBLIC_URL=…/prefix.
  const { config, logger, services } = h.server;
  const deps = { config: { ...config, basePath: "/prefix" }, logger, services };
  const { app, fast } = buildApp(deps);
  fastUrl = await listen((req, res) => {
    const answered = fast.listener(req, res);
    answeredFast.push(answered);
    if (!answered) app(req, res);
  });
  // The app with the fast reads as its middleware (how it runs with rate limits on).
  middlewareUrl = await listen(app);
  expressUrl = await listen(buildApp(deps, { expressRoutesOnly: true }).app);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await h.close();
});

interface Answer {
  status: number;
  /** Every header but Date, in the order sent, as sent. */
  headers: string[];
  body: string;
}

function send(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: options.method ?? "GET", headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const headers: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i] !== "Date") headers.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** The parts of a token read that follow the clock (when it was read, seconds left). */
const timeless = (body: string) => body.replace(/"last_fetched_at":"[^"]+"/, '"last_fetched_at":"…"').replace(/"expires_in":\d+/, '"expires_in":0');
const withoutLength = (headers: string[]) => headers.filter((h) => !h.startsWith("Content-Length:"));

/** The same request to the three servers: the same answer, and whether the fast reads' listener answered it. */
async function compare(path: string, options: Parameters<typeof send>[2] = {}): Promise<{ answer: Answer; fast: boolean }> {
  const before = answeredFast.length;
  const fast = await send(fastUrl, path, options);
  const middleware = await send(middlewareUrl, path, options);
  const express = await send(expressUrl, path, options);
  expect(answeredFast.length).toBe(before + 1);
  for (const answer of [fast, middleware]) {
    expect(answer.status).toBe(express.status);
    expect(withoutLength(answer.headers)).toEqual(withoutLength(express.headers));
    expect(timeless(answer.body)).toBe(timeless(express.body));
  }
  // The lengths differ only with the clock's digits; each is its body's.
  if (answeredFast[before]) for (const answer of [fast, middleware, express]) expect(answer.headers).toContain(`Content-Length: ${Buffer.byteLength(answer.body)}`);
  return { answer: fast, fast: answeredFast[before]! };
}

const auth = () => ({ authorization: `Bearer ${h.secretKey}` });
const errorCode = (answer: Answer) => (JSON.parse(answer.body) as { error: { code: string } }).error.code;

describe("fast reads answer as the Express routes do", () => {
  it("token and status reads, at the root and under the path prefix", async () => {
    for (const prefix of ["", "/prefix"]) {
      const token = await compare(`${prefix}/connections/${connectionId}?provider_config_key=microsoft-ads&refresh_token=true&extra=1`, { headers: auth() });
      expect(token).toMatchObject({ fast: true, answer: { status: 200 } });
      expect(token.answer.headers).toContain("cache-control: no-store");
      expect(token.answer.headers).toContain("Content-Type: application/json; charset=utf-8");
      const body = JSON.parse(token.answer.body) as { connection_id: string; credentials: { access_token: string; refresh_token?: string } };
      expect(body.connection_id).toBe(connectionId);
      expect(h.emulator.isAccessTokenValid(body.credentials.access_token)).toBe(true);
      expect(body.credentials.refresh_token).toBeDefined();

      const status = await compare(`${prefix}/connections?connectionId=${connectionId}`, { headers: auth() });
      expect(status).toMatchObject({ fast: true, answer: { status: 200 } });
      expect((JSON.parse(status.answer.body) as { connections: { connection_id: string; status: string }[] }).connections).toMatchObject([{ connection_id: connectionId, status: "connected" }]);
      expect((await compare(`${prefix}/connections`, { headers: auth() })).fast).toBe(true);
    }
  });

  it("errors: 404 unknown connection, 400 bad query, 400 unknown provider config key, 424 expired", async () => {
    const cases: [string, number, string][] = [
      ["/connections/no-such-connection", 404, "not_found"],
      [`/connections/${connectionId}?force_refresh=maybe`, 400, "invalid_query"],
      [`/connections/${connectionId}?provider_config_key=other`, 400, "unknown_provider_config"],
      ["/connections?limit=0", 400, "invalid_query"],
      [`/connections/${expiredId}`, 424, "grant_expired"],
      [`/prefix/connections/${expiredId}`, 424, "grant_expired"],
    ];
    for (const [path, status, code] of cases) {
      const { answer, fast } = await compare(path, { headers: auth() });
      expect({ path, status: answer.status, code: errorCode(answer), fast }).toEqual({ path, status, code, fast: true });
    }
  });

  it("leaves to Express: a missing or wrong secret key (401), other methods, bodies, conditional requests, encoded or unusual paths", async () => {
    const missing = await compare(`/connections/${connectionId}`);
    expect({ status: missing.answer.status, code: errorCode(missing.answer), fast: missing.fast }).toEqual({ status: 401, code: "unauthorized", fast: false });
    const wrong = await compare(`/connections?connectionId=${connectionId}`, { headers: { authorization: "Bearer not-the-key" } });
    expect({ status: wrong.answer.status, code: errorCode(wrong.answer), fast: wrong.fast }).toEqual({ status: 401, code: "unauthorized", fast: false });
    const left: [string, Parameters<typeof send>[2]][] = [
      [`/connections/${connectionId}`, { method: "PATCH", headers: { ...auth(), "content-type": "application/json" }, body: "{}" }],
      [`/connections/${connectionId}`, { headers: { ...auth(), "content-type": "application/json", "content-length": "1" }, body: "{" }],
      [`/connections/${connectionId}`, { headers: { ...auth(), "if-none-match": "*" } }],
      [`/connections/${encodeURIComponent(connectionId)}%2D`, { headers: auth() }],
      [`/connections/${connectionId}/`, { headers: auth() }],
      [`/Connections/${connectionId}`, { headers: auth() }],
      [`/connections/${connectionId}/sync`, { method: "GET", headers: auth() }],
      ["/connectionsx", { headers: auth() }],
    ];
    for (const [path, options] of left) expect({ path, fast: (await compare(path, options)).fast }).toEqual({ path, fast: false });
  });

  it("write the same request log line", async () => {
    const lineFor = (l: string) => l.includes(`"GET /connections/${connectionId} 200"`);
    const linesNow = () => h.logs.flatMap((l) => l.split("\n")).filter(lineFor);
    const before = linesNow().length;
    await compare(`/connections/${connectionId}?token=t0ps3cret`, { headers: auth() });
    // The listener's, the middleware's and the Express routes' (each written when its response closes).
    await expect.poll(() => linesNow().length).toBe(before + 3);
    const lines = linesNow()
      .slice(-3)
      .map((l) => JSON.parse(l) as Record<string, unknown> & { req: { id: unknown } });
    const shape = ({ time: _t, responseTime, req, ...rest }: Record<string, unknown> & { req: { id: unknown } }) => ({ ...rest, req: { ...req, id: typeof req.id }, responseTime: typeof responseTime });
    expect(shape(lines[0]!)).toEqual(shape(lines[2]!));
    expect(shape(lines[1]!)).toEqual(shape(lines[2]!));
    expect(lines[0]!.req).toMatchObject({ method: "GET", url: `/connections/${connectionId}?token=%5BREDACTED%5D` });
    expect(h.logs.join("")).not.toContain("t0ps3cret");
  });
});

it("the server answers token and status reads through the fast reads when rate limits are off", async () => {
  const token = await httpRequest(`${h.server.url}/connections/${connectionId}`, { headers: auth() });
  expect(token.status).toBe(200);
  expect(token.headers.get("cache-control")).toBe("no-store");
  expect(token.headers.get("content-security-policy")).toBe("default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'");
  const status = await httpRequest(`${h.server.url}/connections?connectionId=${connectionId}`, { headers: auth() });
  expect(status.status).toBe(200);
  expect((await httpRequest(`${h.server.url}/connections/${connectionId}`)).status).toBe(401);
});
