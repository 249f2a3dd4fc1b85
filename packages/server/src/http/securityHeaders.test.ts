import { afterAll, beforeAll, expect, it } from "vitest";
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

/** The CSP of everything that is not a page: loads nothing, runs nothing, framed nowhere. */
const API_CSP = "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'";

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${h.server.url}${path}`, { headers, redirect: "manual" });
const auth = () => ({ authorization: `Bearer ${h.secretKey}` });

it("JSON responses (token and status reads, health, errors, unknown paths) carry helmet's headers with a strict static CSP and no nonce", async () => {
  const responses = await Promise.all([
    get(`/connections/${connectionId}`, auth()),
    get(`/connections?connectionId=${connectionId}`, auth()),
    get("/health"),
    get("/connections/no-such-connection", auth()),
    get("/connections"),
    get("/no-such-path"),
  ]);
  expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 404, 401, 404]);
  for (const res of responses) {
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("content-security-policy")).toBe(API_CSP);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
    expect(res.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    expect(res.headers.get("cross-origin-opener-policy")).toBeNull();
    expect(res.headers.get("x-powered-by")).toBeNull();
    // Headers for documents only (see DOCUMENT_ONLY in securityHeaders.ts).
    for (const name of ["origin-agent-cluster", "x-dns-prefetch-control", "x-download-options", "x-permitted-cross-domain-policies", "x-xss-protection"]) {
      expect(res.headers.get(name)).toBeNull();
    }
    // No ETag (every body hashed for conditional requests nobody makes; token reads are no-store).
    expect(res.headers.get("etag")).toBeNull();
  }
});

it("pages get a fresh nonce per response, used by their inline script and style, with the same other headers", async () => {
  const pages = await Promise.all([get("/oauth/connect/microsoft-ads"), get("/oauth/connect/microsoft-ads")]);
  const nonces = await Promise.all(
    pages.map(async (page) => {
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      const csp = page.headers.get("content-security-policy")!;
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce).toBeDefined();
      expect(csp).toContain(`style-src 'nonce-${nonce}'`);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(page.headers.get("x-content-type-options")).toBe("nosniff");
      expect(page.headers.get("referrer-policy")).toBe("no-referrer");
      const html = await page.text();
      expect(html).toContain(`<style nonce="${nonce}">`);
      return nonce;
    }),
  );
  expect(nonces[0]).not.toBe(nonces[1]);
  // An unknown path under /oauth/ is answered under the page policy too (whatever renders there is covered).
  expect((await get("/oauth/no-such-page")).headers.get("content-security-policy")).toContain("script-src 'nonce-");
});
