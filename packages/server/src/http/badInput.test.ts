import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";

let h: Harness;
let connectionId: string;

beforeAll(async () => {
  h = await startHarness();
  const { result } = await connectAs(h, "adele@contoso.example");
  if (result.type !== "ads-connect:success") throw new Error("setup connect failed");
  connectionId = result.connection_id;
});
afterAll(() => h.close());

const STACK = /\bat .+\(.+:\d+:\d+\)|node_modules|\.ts:\d+/;

function expectClientError(res: { status: number; json: unknown; text: string }) {
  expect(res.status, res.text).toBeGreaterThanOrEqual(400);
  expect(res.status, res.text).toBeLessThan(500);
  expect(res.text).not.toMatch(STACK);
  expect(res.json).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
}

async function snapshot() {
  const res = await h.api("GET", "/connections?limit=1000");
  return JSON.stringify(res.json);
}

const jsonBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.constantFrom(
    "{",
    "null",
    "[]",
    '{"end_user":{}}',
    '{"end_user":{"id":""}}',
    '{"end_user":{"id":"x","email":"not-an-email"}}',
    '{"end_user":{"id":"x"},"integrations_config_defaults":{"microsoft-ads":{"authorization_params":{"prompt":"sometimes"}}}}',
    '{"end_user":{"id":"x"},"integrations_config_defaults":{"microsoft-ads":{"user_scopes":"https://ads.microsoft.com/.default https://ads.microsoft.com/msads.manage"}}}',
    '{"end_user":{"id":"x"},"allowed_integrations":["github"]}',
    '{"end_user":{"id":"x"},"integrations_config_defaults":{"microsoft-ads":{"connection_config":{"tenant":"not a tenant!"}}}}',
  ),
);
const queryString = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        "limit",
        "page",
        "connectionId",
        "endUserId",
        "provider_config_key",
        "force_refresh",
        "refresh_token",
        "integrationId",
        fc.sample(fc.string(), 1)[0] ?? "x",
      ),
      fc.string(),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => new URLSearchParams(pairs).toString());
// "." and ".." are path steps every HTTP client resolves away (to /connections/), not ids.
const pathSegment = fc
  .string({ minLength: 1, maxLength: 40 })
  .filter((s) => s !== "." && s !== "..")
  .map(encodeURIComponent);

describe("bad input gets a 4xx JSON error, changes nothing, never a 500 or a stack trace", () => {
  it("POST /connect/sessions and /connect/sessions/reconnect with arbitrary bodies", async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("/connect/sessions", "/connect/sessions/reconnect"), jsonBody, async (path, body) => {
        expectClientError(await h.api("POST", path, body));
      }),
      { numRuns: 150 },
    );
    expect(await snapshot()).toBe(before);
  });

  it("GET /connections and /connections/:id with arbitrary queries and ids", async () => {
    await fc.assert(
      fc.asyncProperty(queryString, pathSegment, async (query, id) => {
        const list = await h.api("GET", `/connections?${query}`);
        if (list.status !== 200) expectClientError(list);
        else expect(list.json).toHaveProperty("connections");
        const one = await h.api("GET", `/connections/${id}?${query}`);
        expectClientError(one);
      }),
      { numRuns: 80 },
    );
  });

  it("PATCH and DELETE /connections/:id with arbitrary bodies and ids leave the data alone", async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(jsonBody, pathSegment, queryString, async (body, id, query) => {
        expectClientError(await h.api("PATCH", `/connections/${id}?${query}`, body));
        expectClientError(await h.api("DELETE", `/connections/${id}?${query}`));
        const patch = await h.api("PATCH", `/connections/${connectionId}`, body);
        if (patch.status !== 200) expectClientError(patch);
      }),
      { numRuns: 80 },
    );
    // Bodies that happened to be valid may have set tags/metadata; nothing was deleted.
    const after = JSON.parse(await snapshot()) as { connections: { connection_id: string }[] };
    expect(after.connections.map((c) => c.connection_id)).toEqual((JSON.parse(before) as typeof after).connections.map((c) => c.connection_id));
  });

  it("the widget's status endpoint with arbitrary bearer tokens", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (token) => {
        const res = await h.api("GET", "/connect/session/status", undefined, { authorization: `Bearer ${token.replace(/[\r\n]/g, "")}` });
        expectClientError(res);
      }),
      { numRuns: 60 },
    );
  });

  it("wrong or missing secret keys on every product-backend route", async () => {
    for (const [method, path] of [
      ["POST", "/connect/sessions"],
      ["POST", "/connect/sessions/reconnect"],
      ["GET", "/connections"],
      ["GET", `/connections/${connectionId}`],
      ["PATCH", `/connections/${connectionId}`],
      ["DELETE", `/connections/${connectionId}`],
    ] as const) {
      for (const authorization of ["Bearer wrong-secret-key-wrong-secret-key", "", `Basic ${h.secretKey}`, `Bearer ${h.secretKey}x`]) {
        const res = await h.api(method, path, method === "POST" || method === "PATCH" ? {} : undefined, { authorization });
        expectClientError(res);
        expect(res.status).toBe(401);
      }
    }
    expect((await h.api("GET", `/connections/${connectionId}`)).status).toBe(200);
  });

  it("the popup pages with arbitrary query strings answer 4xx pages without stack traces", async () => {
    const browser = new BrowserClient();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom("state", "code", "error", "error_description", "connect_session_token", "origin", "x"), fc.string()), {
          maxLength: 4,
        }),
        async (pairs) => {
          const query = new URLSearchParams(pairs).toString();
          for (const path of ["/oauth/connect/microsoft-ads", "/oauth/callback"]) {
            const page = await browser.get(`${h.server.url}${path}?${query}`, { follow: false });
            expect(page.status, page.body).toBeGreaterThanOrEqual(400);
            expect(page.status).toBeLessThan(500);
            expect(page.body).not.toMatch(STACK);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("malformed JSON, oversized bodies, unknown routes and bad percent-encoding", async () => {
    expectClientError(await h.api("POST", "/connect/sessions", '{"end_user":'));
    expectClientError(await h.api("POST", "/connect/sessions", JSON.stringify({ end_user: { id: "x" }, tags: { big: "x".repeat(200_000) } })));
    expectClientError(await h.api("POST", "/connect/sessions", "end_user=x", { "content-type": "application/x-www-form-urlencoded" }));
    expectClientError(await h.api("GET", "/no/such/route"));
    expectClientError(await h.api("GET", "/connections/%E0%A4%A"));
    expectClientError(await h.api("GET", "/connections?limit=-1"));
    expectClientError(await h.api("GET", "/connections?limit=1&limit=2"));
    expect((await h.api("GET", "/health")).status).toBe(200);
  });
});
