import { createServer, type RequestListener, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GetConnectionQuerySchema, ListConnectionsQuerySchema } from "@ads-connect/shared";
import express, { type Express } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppDeps, buildApp, createApp } from "../app.js";
import { AppError } from "../errors.js";
import { errorHandler } from "../http/errorHandler.js";
import { parseWith } from "../http/parseWith.js";
import { rateLimits } from "../http/rateLimits.js";
import { requestLogger } from "../http/requestLogger.js";
import { requireSecretKey } from "../http/requireSecretKey.js";
import { securityHeaders } from "../http/securityHeaders.js";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";

// The one read handler (routes/connectionReads.ts, which writes its JSON itself), both through its
// fast path ahead of Express (the server's request listener) and as the app's Express routes,
// against the same reads written the plain Express way (`res.json`) behind the same middleware,
// rate limits on: every answer, success or error, must be the same, headers (names, order, values)
// and body, and so must the request log line.
let h: Harness;
let connectionId: string;
let expiredId: string;
const servers: Server[] = [];
/** The server's listener: the fast path, then Express. */
let appUrl: string;
/** The app alone: the reads as its Express routes. */
let routesUrl: string;
let expressUrl: string;
/** Requests the fast path answered (without Express). */
let fastAnswered = 0;

/** The server's request listener (as `createRequestListener` builds it), counting what the fast path answers. */
function countingListener(deps: AppDeps): RequestListener {
  const { app, fastPath } = buildApp(deps);
  return (req, res) => {
    if (fastPath(req, res)) fastAnswered++;
    else app(req, res);
  };
}

async function listen(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The reads as plain Express routes with `res.json`, after the app's own middleware (rate limits in memory). */
function plainExpress({ config, logger, services }: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("case sensitive routing", true);
  app.disable("etag");
  app.set("trust proxy", config.trustProxy);
  app.use(requestLogger(logger, app.request));
  app.use(securityHeaders(config));
  app.use(rateLimits({ config, logger, secretKeys: services.secretKeys, shared: null }));
  const json = express.json({ limit: "100kb" });
  const secretKey = requireSecretKey(services.secretKeys);
  for (const prefix of ["", config.basePath]) {
    app.get(`${prefix}/connections`, json, secretKey, async (req, res) => {
      res.json(await services.connections.list(parseWith(ListConnectionsQuerySchema, req.query, "query")));
    });
    app.get(`${prefix}/connections/:connectionId`, json, secretKey, async (req, res) => {
      const q = parseWith(GetConnectionQuerySchema.loose(), req.query, "query");
      const connection = await services.connections.get(req.params.connectionId as string, {
        providerConfigKey: q.provider_config_key,
        forceRefresh: q.force_refresh,
        includeRefreshToken: q.refresh_token,
      });
      res.set("cache-control", "no-store").json(connection);
    });
  }
  app.use((req) => {
    throw new AppError("not_found", `No route for ${req.method} ${req.path}`, 404);
  });
  app.use(errorHandler(logger));
  return app;
}

beforeAll(async () => {
  // Rate limits on (the default), with an allowance these requests do not reach.
  h = await startHarness({ env: { REFRESH_AHEAD: "off", RATE_LIMIT_WINDOW_SECONDS: "600" } });
  for (const [name, target] of [
    ["adele@contoso.example", "connectionId"],
    ["megan@contoso.example", "expiredId"],
  ] as const) {
    const { result } = await connectAs(h, name);
    if (result.type !== "ads-connect:success") throw new Error("setup connect failed");
    if (target === "connectionId") connectionId = result.connection_id;
    else expiredId = result.connection_id;
  }
  await h.server.db.updateTable("connections").set({ status: "expired" }).where("connection_id", "=", expiredId).execute();
  // Both answer under a path prefix too, as with PUBLIC_URL=…/prefix; each counts its own rate limits in memory.
  const { config, logger, services } = h.server;
  const deps = { config: { ...config, basePath: "/prefix" }, logger, services: { ...services, rateLimitCounter: null } };
  appUrl = await listen(countingListener(deps));
  routesUrl = await listen(createApp(deps));
  expressUrl = await listen(plainExpress(deps));
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

/** The parts of an answer that follow the clock (when it was read, seconds left). */
const timeless = (body: string) => body.replace(/"last_fetched_at":"[^"]+"/, '"last_fetched_at":"…"').replace(/"expires_in":\d+/, '"expires_in":0');
const withoutClock = (headers: string[]) => headers.filter((h) => !h.startsWith("Content-Length:")).map((h) => h.replace(/reset=\d+/, "reset=…"));

/**
 * The same request to the server's listener, the app's routes and plain Express: the same answer.
 * `fast`: whether the fast path must have answered it (else Express did).
 */
async function compare(path: string, options: Parameters<typeof send>[2] = {}, fast?: boolean, urls = [appUrl, routesUrl, expressUrl]): Promise<Answer> {
  const before = fastAnswered;
  const [answer, routes, plain] = [await send(urls[0]!, path, options), await send(urls[1]!, path, options), await send(urls[2]!, path, options)];
  if (fast !== undefined) expect({ path, fast: fastAnswered > before }).toEqual({ path, fast });
  for (const other of [answer, routes]) {
    expect(other.status).toBe(plain.status);
    expect(withoutClock(other.headers)).toEqual(withoutClock(plain.headers));
    expect(timeless(other.body)).toBe(timeless(plain.body));
  }
  // The lengths differ only with the clock's digits; each is its body's.
  if (options.method !== "HEAD" && answer.status !== 304)
    for (const a of [answer, routes, plain]) expect(a.headers).toContain(`Content-Length: ${Buffer.byteLength(a.body)}`);
  return answer;
}

const auth = () => ({ authorization: `Bearer ${h.secretKey}` });
const errorCode = (answer: Answer) => (JSON.parse(answer.body) as { error: { code: string } }).error.code;

describe("the one read handler answers as plain Express routes do", () => {
  it("token and status reads, at the root and under the path prefix", async () => {
    for (const prefix of ["", "/prefix"]) {
      const token = await compare(
        `${prefix}/connections/${connectionId}?provider_config_key=microsoft-ads&refresh_token=true&extra=1`,
        { headers: auth() },
        true,
      );
      expect(token.status).toBe(200);
      expect(token.headers).toContain("cache-control: no-store");
      expect(token.headers).toContain("Content-Type: application/json; charset=utf-8");
      expect(token.headers).toContain("RateLimit-Policy: 3000;w=600");
      const body = JSON.parse(token.body) as { connection_id: string; credentials: { access_token: string; refresh_token?: string } };
      expect(body.connection_id).toBe(connectionId);
      expect(h.emulator.isAccessTokenValid(body.credentials.access_token)).toBe(true);
      expect(body.credentials.refresh_token).toBeDefined();

      const status = await compare(`${prefix}/connections?connectionId=${connectionId}`, { headers: auth() }, true);
      expect(status.status).toBe(200);
      expect(status.headers.some((h) => h.startsWith("cache-control"))).toBe(false);
      expect((JSON.parse(status.body) as { connections: { connection_id: string; status: string }[] }).connections).toMatchObject([
        { connection_id: connectionId, status: "connected" },
      ]);
      expect((await compare(`${prefix}/connections`, { headers: auth() }, true)).status).toBe(200);
      expect((await compare(`${prefix}/connections/${connectionId}/`, { headers: auth() }, true)).status).toBe(200);
    }
  });

  it("errors: 404 unknown connection, 400 bad query, 400 unknown provider config key, 424 expired, 401 without the key", async () => {
    // The fast path answers errors of the read itself; a request without a valid key is Express's.
    const cases: [string, Record<string, string>, number, string, boolean][] = [
      ["/connections/no-such-connection", auth(), 404, "not_found", true],
      [`/connections/${connectionId}?force_refresh=maybe`, auth(), 400, "invalid_query", true],
      [`/connections/${connectionId}?provider_config_key=other`, auth(), 400, "unknown_provider_config", true],
      ["/connections?limit=0", auth(), 400, "invalid_query", true],
      [`/connections/${expiredId}`, auth(), 424, "grant_expired", true],
      [`/prefix/connections/${expiredId}`, auth(), 424, "grant_expired", true],
      [`/connections/${connectionId}`, {}, 401, "unauthorized", false],
      [`/connections?connectionId=${connectionId}`, { authorization: "Bearer not-the-key" }, 401, "unauthorized", false],
    ];
    for (const [path, headers, status, code, fast] of cases) {
      const answer = await compare(path, { headers }, fast);
      expect({ path, status: answer.status, code: errorCode(answer) }).toEqual({ path, status, code });
    }
  });

  it("HEAD, bodies, conditional requests, encoded ids, a trailing slash, other cases of the path", async () => {
    const cases: [string, Parameters<typeof send>[2], number][] = [
      [`/connections/${connectionId}`, { method: "HEAD", headers: auth() }, 200],
      [`/connections/${connectionId}`, { headers: { ...auth(), "content-type": "application/json", "content-length": "1" }, body: "{" }, 400],
      [`/connections/${connectionId}`, { headers: { ...auth(), "if-none-match": "*" } }, 304],
      [`/connections/${encodeURIComponent(connectionId)}%2D`, { headers: auth() }, 404],
      [`/connections/${connectionId}/`, { headers: auth() }, 200],
      [`/Connections/${connectionId}`, { headers: auth() }, 404],
      ["/connectionsx", { headers: auth() }, 404],
    ];
    // All but the trailing slash (Express's matcher allows it) are left to Express.
    for (const [path, options, status] of cases) {
      const fast = path.endsWith("/") && options?.method === undefined;
      expect({ path, status: (await compare(path, options, fast)).status }).toEqual({ path, status });
    }
  });

  it("429 from the rate limit, and the 401 after it, as plain Express gives them", async () => {
    // Servers of their own with an API allowance of 2 (each counts in its own memory).
    const { config, logger, services } = h.server;
    const deps = { config: { ...config, rateLimit: { ...config.rateLimit, api: 2 } }, logger, services: { ...services, rateLimitCounter: null } };
    const urls = [await listen(countingListener(deps)), await listen(createApp(deps)), await listen(plainExpress(deps))];
    const path = `/connections/${connectionId}`;
    expect((await compare(path, { headers: auth() }, true, urls)).status).toBe(200);
    expect((await compare(`/connections?connectionId=${connectionId}`, { headers: auth() }, true, urls)).status).toBe(200);
    const refused = await compare(path, { headers: auth() }, true, urls);
    expect(refused.status).toBe(429);
    expect(errorCode(refused)).toBe("rate_limited");
    expect(refused.headers.some((header) => header.startsWith("Retry-After: "))).toBe(true);
    expect(refused.headers).toContain("RateLimit-Policy: 2;w=600");
    // Without a valid key: counted per IP against the browser limit, answered by Express.
    const unauthorized = await compare(path, { headers: { authorization: "Bearer not-the-key" } }, false, urls);
    expect(unauthorized.status).toBe(401);
  });

  it("write the same request log line", async () => {
    const lineFor = (l: string) => l.includes(`"GET /connections/${connectionId} 200"`);
    const linesNow = () => h.logs.flatMap((l) => l.split("\n")).filter(lineFor);
    const before = linesNow().length;
    await compare(`/connections/${connectionId}?token=t0ps3cret`, { headers: auth() }, true);
    // The fast path's, the app route's and the plain route's (each written when its response closes).
    await expect.poll(() => linesNow().length).toBe(before + 3);
    const lines = linesNow()
      .slice(-3)
      .map((l) => JSON.parse(l) as Record<string, unknown> & { req: { id: unknown } });
    const shape = ({ time: _t, responseTime, req, ...rest }: Record<string, unknown> & { req: { id: unknown } }) => ({
      ...rest,
      req: { ...req, id: typeof req.id },
      responseTime: typeof responseTime,
    });
    expect(shape(lines[0]!)).toEqual(shape(lines[2]!));
    expect(shape(lines[1]!)).toEqual(shape(lines[2]!));
    expect(lines[0]!.req).toMatchObject({ method: "GET", url: `/connections/${connectionId}?token=%5BREDACTED%5D` });
    expect(h.logs.join("")).not.toContain("t0ps3cret");
  });
});

it("the server answers token and status reads with its security and rate-limit headers (rate limits on by default)", async () => {
  const token = await httpRequest(`${h.server.url}/connections/${connectionId}`, { headers: auth() });
  expect(token.status).toBe(200);
  expect(token.headers.get("cache-control")).toBe("no-store");
  expect(token.headers.get("content-security-policy")).toBe("default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'");
  expect(token.headers.get("ratelimit")).toMatch(/^limit=3000, remaining=\d+, reset=\d+$/);
  const status = await httpRequest(`${h.server.url}/connections?connectionId=${connectionId}`, { headers: auth() });
  expect(status.status).toBe(200);
  expect((await httpRequest(`${h.server.url}/connections/${connectionId}`)).status).toBe(401);
});
