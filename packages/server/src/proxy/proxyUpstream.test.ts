import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../testing/harness.js";
import { codeOf, connectUser } from "../testing/proxyTesting.js";

/**
 * A real HTTP server standing in for Microsoft's front door (MICROSOFT_ADS_API_URL points here): it
 * passes every call on to the Microsoft Advertising emulator, except the /Test/ paths, which answer
 * what the emulator never does (redirects, files with leaky headers, huge or slow bodies, resets).
 */
let front: http.Server;
let frontUrl: string;
let emulatorUrl = "";
const hits: Record<string, number> = {};
const lastHeaders: Record<string, http.IncomingHttpHeaders> = {};
beforeAll(async () => {
  front = http.createServer((req, res) => {
    const path = req.url ?? "";
    hits[path] = (hits[path] ?? 0) + 1;
    lastHeaders[path] = req.headers;
    if (path.includes("/Test/")) return answerTest(path, req, res);
    const upstream = http.request(`${emulatorUrl}${path}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  h = await startHarness({
    env: {
      MICROSOFT_ADS_API_URL: frontUrl,
      PROXY_MAX_RESPONSE_BYTES: "65536",
      PROXY_TIMEOUT_SECONDS: "2",
      PROXY_RETRY_BASE_MS: "10",
      PROXY_MAX_HOLD_SECONDS: "300",
    },
  });
  emulatorUrl = h.ads.url;
  id = await connectUser(h, "adele@contoso.example");
});
afterAll(async () => {
  await h.close();
  front.closeAllConnections();
  await new Promise<void>((resolve) => front.close(() => resolve()));
});

function answerTest(path: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  if (path.endsWith("/Test/RedirectAway")) {
    res.writeHead(302, { location: `${emulatorUrl}/CustomerManagement/v13/User/Query` }).end();
  } else if (path.endsWith("/Test/RedirectHome")) {
    res.writeHead(307, { location: "/CustomerManagement/v13/User/Query" }).end();
  } else if (path.endsWith("/Test/File")) {
    res.writeHead(200, {
      "content-type": "text/csv",
      "content-disposition": 'attachment; filename="report.csv"',
      trackingid: "tracking-file-1",
      "set-cookie": "msads=secret; Path=/",
      "www-authenticate": "Bearer realm=x",
      server: "Microsoft-IIS/10.0",
      "x-powered-by": "ASP.NET",
      "x-aspnet-version": "4.0",
    });
    res.end("CampaignId,Clicks\n1,10\n2,20\n");
  } else if (path.endsWith("/Test/HostileHeaders")) {
    // Headers that would loosen the server's own protections, or speak for it, if passed on.
    res.writeHead(200, {
      "content-type": "text/html",
      "content-security-policy": "default-src *; script-src 'unsafe-inline'",
      "content-security-policy-report-only": "default-src *",
      "content-location": "https://evil.example/",
      "content-base": "https://evil.example/",
      "x-frame-options": "ALLOWALL",
      "x-content-type-options": "sniff",
      "strict-transport-security": "max-age=0",
      "cross-origin-resource-policy": "cross-origin",
      "access-control-allow-origin": "*",
      "referrer-policy": "unsafe-url",
      "x-ms-request-id": "req-1",
      trackingid: "tracking-hostile-1",
    });
    res.end("<script>alert(1)</script>");
  } else if (path.endsWith("/Test/BigWithLength")) {
    const body = Buffer.alloc(70_000, 65);
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(body.length) }).end(body);
  } else if (path.endsWith("/Test/BigStream")) {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    Readable.from(Array.from({ length: 20 }, () => Buffer.alloc(8192, 66))).pipe(res);
  } else if (path.endsWith("/Test/Partial")) {
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        CampaignIds: ["1", null],
        PartialErrors: [{ Code: 1100, ErrorCode: "CampaignServiceInvalidCampaignName", Message: "bad name", Index: 1 }],
      }),
    );
  } else if (path.endsWith("/Test/Plain429Century")) {
    // A 429 without fault 117 whose Retry-After asks for a century.
    res.writeHead(429, { "retry-after": "3153600000" }).end();
  } else if (path.endsWith("/Test/Plain429")) {
    res.writeHead(429, { "content-type": "text/plain" }).end("slow down");
  } else if (path.endsWith("/Test/Fault117Century")) {
    res.writeHead(429, { "content-type": "application/json", "retry-after": "99999999999999999999999" });
    res.end(
      JSON.stringify({
        TrackingId: "t-117",
        Type: "AdApiFaultDetail",
        Errors: [{ Code: 117, Detail: null, ErrorCode: "CallRateExceeded", Message: "Too many calls" }],
      }),
    );
  } else if (path.endsWith("/Test/Unauthorized")) {
    // A 401 naming no fault: the proxy refreshes the token once and retries.
    res.writeHead(401).end();
  } else if (path.endsWith("/Test/Drop")) {
    req.socket.destroy();
  }
  // /Test/Slow: never answers.
}

let h: Harness;
let id: string;
const proxy = (method: string, endpoint: string, headers: Record<string, string> = {}, body?: unknown) =>
  h.api(method, `/proxy${endpoint}`, body, { "Connection-Id": id, "Provider-Config-Key": "microsoft-ads", ...headers });

describe("proxy against a real front server", () => {
  it("follows a redirect that stays on the allow-list and refuses one that leaves it (nothing sent there)", async () => {
    const userQueries = h.ads.callCount("User/Query");
    const away = await proxy("POST", "/CustomerManagement/v13/Test/RedirectAway", {}, { UserId: null });
    expect([away.status, codeOf(away.json)]).toEqual([502, "proxy_redirect_refused"]);
    expect(h.ads.callCount("User/Query")).toBe(userQueries);
    const home = await proxy("POST", "/CustomerManagement/v13/Test/RedirectHome", {}, { UserId: null });
    expect(home.status).toBe(200);
    expect(h.ads.callCount("User/Query")).toBe(userQueries + 1);
  });

  it("streams a file back with content-* and TrackingId, without Set-Cookie, WWW-Authenticate, Server or X-Powered-By", async () => {
    const res = await proxy("GET", "/Reporting/v13/Test/File");
    expect(res.status).toBe(200);
    expect(res.text).toBe("CampaignId,Clicks\n1,10\n2,20\n");
    expect(res.headers.get("content-type")).toBe("text/csv");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="report.csv"');
    expect(res.headers.get("trackingid")).toBe("tracking-file-1");
    for (const name of ["set-cookie", "www-authenticate", "server", "x-powered-by", "x-aspnet-version"])
      expect([name, res.headers.get(name)]).toEqual([name, null]);
  });

  it("passes back only listed headers: Microsoft's CSP, framing, CORS or HSTS headers never replace the server's own (review T8)", async () => {
    const own = await h.api("GET", "/integrations/microsoft-ads/status");
    const res = await proxy("GET", "/Reporting/v13/Test/HostileHeaders");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html");
    expect(res.headers.get("trackingid")).toBe("tracking-hostile-1");
    expect(res.headers.get("x-ms-request-id")).toBe("req-1");
    for (const name of [
      "content-security-policy",
      "x-frame-options",
      "x-content-type-options",
      "strict-transport-security",
      "cross-origin-resource-policy",
      "referrer-policy",
    ]) {
      expect([name, res.headers.get(name)]).toEqual([name, own.headers.get(name)]);
    }
    for (const name of ["content-security-policy-report-only", "content-location", "content-base", "access-control-allow-origin"])
      expect([name, res.headers.get(name)]).toEqual([name, null]);
  });

  it("bounds the response: a declared oversized body is refused with 502, a streamed one is cut", async () => {
    const declared = await proxy("GET", "/Reporting/v13/Test/BigWithLength");
    expect([declared.status, codeOf(declared.json)]).toEqual([502, "proxy_response_too_large"]);
    const streamed = await proxy("GET", "/Reporting/v13/Test/BigStream").catch((err: Error) => err);
    // The status went out before the limit was reached: the body stops short (or the connection drops).
    expect(streamed instanceof Error || streamed.text.length < 20 * 8192).toBe(true);
  });

  it("gives up after PROXY_TIMEOUT_SECONDS with 504, and retries resets only for idempotent methods", async () => {
    const slow = await proxy("GET", "/Reporting/v13/Test/Slow");
    expect([slow.status, codeOf(slow.json)]).toEqual([504, "msads_timeout"]);
    const drop = "/Reporting/v13/Test/Drop";
    const get = await proxy("GET", drop, { Retries: "2" });
    expect([get.status, codeOf(get.json)]).toEqual([502, "msads_unreachable"]);
    expect(hits[drop]).toBe(3);
    const post = await proxy("POST", drop, { Retries: "2" }, {});
    expect([post.status, codeOf(post.json)]).toEqual([502, "msads_unreachable"]);
    expect(hits[drop]).toBe(4);
  });

  it("the deadline covers a slow token refresh: 504 within PROXY_TIMEOUT_SECONDS, the refresh finishing on its own (review T3)", async () => {
    const hold = h.emulator.holdNextTokenResponse("refresh_token");
    const started = Date.now();
    const pending = proxy("POST", "/CampaignManagement/v13/Test/Unauthorized", {}, {});
    await hold.held;
    const res = await pending;
    const elapsed = Date.now() - started;
    hold.release();
    expect([res.status, codeOf(res.json)]).toEqual([504, "msads_timeout"]);
    // The deadline is 2 s; without it the call waited for the refresh (15 s) or the body (for ever).
    expect(elapsed).toBeLessThan(5000);
    // The refresh was not cut: its rotated tokens are stored and the connection still works.
    await expect.poll(() => h.server.services.connections.accessToken(id).then(() => "ok")).toBe("ok");
    expect((await proxy("POST", "/CustomerManagement/v13/User/Query", {}, { UserId: null })).status).toBe(200);
  });

  it("the deadline covers a request body sent slowly: 504 within PROXY_TIMEOUT_SECONDS, nothing sent (review T3)", async () => {
    const path = "/proxy/CampaignManagement/v13/Test/SlowBody";
    const started = Date.now();
    const answer = await new Promise<{ status: number; text: string; connection: string | undefined }>((resolve, reject) => {
      const req = http.request(`${h.server.url}${path}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${h.secretKey}`,
          "connection-id": id,
          "provider-config-key": "microsoft-ads",
          "content-type": "application/json",
          "content-length": "100",
        },
      });
      req.on("response", (res) => {
        let text = "";
        res
          .setEncoding("utf8")
          .on("data", (c: string) => (text += c))
          .on("end", () => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection });
          });
      });
      req.on("error", reject);
      // Ten of the hundred bytes promised, and then nothing.
      req.write('{"a":"bbb"');
    });
    const elapsed = Date.now() - started;
    expect([answer.status, codeOf(JSON.parse(answer.text))]).toEqual([504, "msads_timeout"]);
    expect(answer.connection).toBe("close");
    // The deadline is 2 s; without it the call waited for the refresh (15 s) or the body (for ever).
    expect(elapsed).toBeLessThan(5000);
    expect(hits["/CampaignManagement/v13/Test/SlowBody"]).toBeUndefined();
  });

  describe("holds after a 429 (review T4)", () => {
    const holds = () => h.server.db.selectFrom("proxy_holds").selectAll().execute();
    const statusHolds = async () =>
      (
        (await h.api("GET", "/integrations/microsoft-ads/status")).json as {
          data: { holds: { customer_id: string | null; connection_id: string | null; until: string; reason: string | null }[] };
        }
      ).data.holds;
    afterEach(() => h.server.db.deleteFrom("proxy_holds").execute());

    it("a century's Retry-After on a plain 429 is clamped to PROXY_MAX_HOLD_SECONDS, and the hold shows in the integration status", async () => {
      const res = await proxy("POST", "/CampaignManagement/v13/Test/Plain429Century", {}, {});
      expect([res.status, codeOf(res.json), res.headers.get("retry-after")]).toEqual([429, "msads_rate_limited", "300"]);
      const [row, ...more] = await holds();
      expect(more).toEqual([]);
      expect(Number(row!.until)).toBeLessThanOrEqual(Date.now() + 300_000);
      expect(await statusHolds()).toEqual([
        { customer_id: row!.customer_key, connection_id: null, until: new Date(Number(row!.until)).toISOString(), reason: "too_many_requests" },
      ]);
      expect(h.ads.accounts("adele@contoso.example").map((a) => a.ParentCustomerId)).toContain(row!.customer_key);
      // Held: the next call for the customer is answered here.
      const before = h.ads.callCount();
      const held = await proxy("POST", "/CustomerManagement/v13/User/Query", {}, { UserId: null });
      expect([held.status, codeOf(held.json)]).toEqual([429, "msads_rate_limited"]);
      expect(Number(held.headers.get("retry-after"))).toBeLessThanOrEqual(300);
      expect(h.ads.callCount()).toBe(before);
    });

    it("a plain 429 without Retry-After holds for a few seconds only (PROXY_429_HOLD_SECONDS), not 117's minute", async () => {
      const res = await proxy("POST", "/CampaignManagement/v13/Test/Plain429", {}, {});
      expect([res.status, codeOf(res.json), res.headers.get("retry-after")]).toEqual([429, "msads_rate_limited", "5"]);
      expect((res.json as { error: { message: string } }).error.message).not.toContain("117");
      const [row] = await holds();
      expect(Number(row!.until)).toBeLessThanOrEqual(Date.now() + 5_000);
    });

    it("117 with an absurd Retry-After is clamped too, and says so in the integration status", async () => {
      const res = await proxy("POST", "/CampaignManagement/v13/Test/Fault117Century", {}, {});
      expect(res.status).toBe(429);
      expect(res.json).toMatchObject({ error: { code: "msads_rate_limited", msads: { codes: [117] } } });
      expect(res.headers.get("retry-after")).toBe("300");
      expect((await statusHolds()).map((x) => x.reason)).toEqual(["call_rate_exceeded"]);
    });

    it("a hold stored longer than the clamp (before it existed) is read as the clamp and shortened", async () => {
      const customer = h.ads.accounts("adele@contoso.example").map((a) => a.ParentCustomerId);
      const century = Date.now() + 100 * 365 * 86_400_000;
      await h.server.db
        .insertInto("proxy_holds")
        .values(customer.map((c) => ({ customer_key: c, until: century })))
        .execute();
      const held = await proxy("POST", "/CustomerManagement/v13/User/Query", {}, { UserId: null });
      expect([held.status, codeOf(held.json)]).toEqual([429, "msads_rate_limited"]);
      expect(Number(held.headers.get("retry-after"))).toBeLessThanOrEqual(300);
      expect(Math.max(...(await holds()).map((r) => Number(r.until)))).toBeLessThan(century);
      for (const x of await statusHolds()) expect(Date.parse(x.until)).toBeLessThanOrEqual(Date.now() + 300_000);
    });
  });

  it("a 200 with PartialErrors is passed on, and the programmatic call parses them", async () => {
    const res = await proxy("POST", "/CampaignManagement/v13/Test/Partial", {}, {});
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ PartialErrors: [{ Code: 1100 }] });
    const answer = await h.server.services.proxy.call({ connectionId: id, method: "POST", endpoint: "/CampaignManagement/v13/Test/Partial", body: "{}" });
    expect(lastHeaders["/CampaignManagement/v13/Test/Partial"]!["content-type"]).toBe("application/json");
    expect(answer.partialErrors).toEqual([{ code: 1100, errorCode: "CampaignServiceInvalidCampaignName", message: "bad name", detail: null }]);
  });
});
