import { createHash } from "node:crypto";
import type { IntegrationStatus } from "@ads-connect/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";

// Secret key rotation: ADS_CONNECT_SECRET_KEY (the old key, the harness's) and ADS_CONNECT_SECRET_KEYS
// (the new one) are both valid on every path (the token and status reads and the other routes);
// integration status shows each key's use by fingerprint, never the key.
const NEW_KEY = "new-secret-key-rotated-in-0123456789abcdefgh";
const fingerprint = (key: string) => createHash("sha256").update(key).digest("hex").slice(0, 8);

let h: Harness;
let connectionId: string;
beforeAll(async () => {
  h = await startHarness({ env: { ADS_CONNECT_SECRET_KEYS: NEW_KEY, REFRESH_AHEAD: "off", RATE_LIMIT_API: "1000" } });
  const { result } = await connectAs(h, "adele@contoso.example");
  if (result.type !== "ads-connect:success") throw new Error("setup connect failed");
  connectionId = result.connection_id;
});
afterAll(() => h?.close());

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const status = async (key: string): Promise<IntegrationStatus> => {
  const res = await httpRequest(`${h.server.url}/integrations/microsoft-ads/status`, { headers: bearer(key) });
  expect(res.text).not.toContain(h.secretKey);
  expect(res.text).not.toContain(NEW_KEY);
  return (JSON.parse(res.text) as { data: IntegrationStatus }).data;
};

describe("several valid secret keys", () => {
  it("the old and the new key are both accepted by the token and status reads and the other routes", async () => {
    for (const key of [h.secretKey, NEW_KEY]) {
      const created = await httpRequest(`${h.server.url}/connect/sessions`, {
        method: "POST",
        headers: { ...bearer(key), "content-type": "application/json" },
        body: JSON.stringify({ end_user: { id: "u1" } }),
      });
      expect(created.status).toBe(201);
      for (const path of [`/connections/${connectionId}`, `/connections?connectionId=${connectionId}`]) {
        expect((await httpRequest(`${h.server.url}${path}`, { headers: bearer(key) })).status).toBe(200);
      }
    }
  });

  it("a wrong key (also one of a valid key's length) or none: 401 unauthorized everywhere", async () => {
    const wrongKeys = [`${NEW_KEY.slice(0, -1)}x`, `${h.secretKey.slice(0, -1)}x`, "not-a-valid-key"];
    for (const key of wrongKeys) {
      for (const path of [`/connections/${connectionId}`, `/connections?connectionId=${connectionId}`]) {
        const res = await httpRequest(`${h.server.url}${path}`, { headers: bearer(key) });
        expect([res.status, JSON.parse(res.text)]).toEqual([401, { error: { code: "unauthorized", message: "The secret key is not valid" } }]);
      }
      expect((await httpRequest(`${h.server.url}/webhooks/deliveries`, { headers: bearer(key) })).status).toBe(401);
    }
    expect((await httpRequest(`${h.server.url}/connections`)).status).toBe(401);
  });

  it("integration status shows each key's use over every instance by its fingerprint, in order, without the keys", async () => {
    const before = await status(h.secretKey);
    expect(before.secret_keys.map((k) => k.fingerprint)).toEqual([fingerprint(h.secretKey), fingerprint(NEW_KEY)]);
    const [oldBefore, newBefore] = before.secret_keys;
    // Three requests with the new key (a token read, a status read, another route) on this instance, three on another
    // instance on the same database, then the status with the old one.
    const started = Date.now();
    await httpRequest(`${h.server.url}/connections/${connectionId}`, { headers: bearer(NEW_KEY) });
    await httpRequest(`${h.server.url}/connections`, { headers: bearer(NEW_KEY) });
    await httpRequest(`${h.server.url}/webhooks/deliveries`, { headers: bearer(NEW_KEY) });
    await httpRequest(`${h.server.url}/connections`, { headers: bearer("wrong-key-wrong-key-wrong-key-wrong-key") });
    const other = await h.startInstance();
    try {
      for (let i = 0; i < 2; i++) expect((await httpRequest(`${other.url}/connections`, { headers: bearer(NEW_KEY) })).status).toBe(200);
      // The other instance writes its counts every few seconds; here at once…
      await other.services.keyUses.flush();
      expect((await status(h.secretKey)).secret_keys[1]!.requests).toBe(newBefore!.requests + 5);
      expect((await httpRequest(`${other.url}/connections`, { headers: bearer(NEW_KEY) })).status).toBe(200);
    } finally {
      // …and what is left when it stops.
      await other.close();
    }
    const after = await status(h.secretKey);
    const [oldAfter, newAfter] = after.secret_keys;
    expect(newAfter!.requests).toBe(newBefore!.requests + 6);
    // The two status reads after the first were made with the old key.
    expect(oldAfter!.requests).toBe(oldBefore!.requests + 2);
    expect(Date.parse(newAfter!.last_used_at!)).toBeGreaterThanOrEqual(started);
    // The database holds fingerprints and counts only.
    const rows = JSON.stringify(await h.server.db.selectFrom("secret_key_uses").selectAll().execute());
    expect(rows).not.toContain(NEW_KEY);
    expect(rows).not.toContain(h.secretKey);
    expect(after.webhook_signing_key).toEqual({ fingerprint: fingerprint(h.webhookSigningKey) });
  });
});

describe("one API allowance for all keys", () => {
  let limited: Harness | undefined;
  afterAll(() => limited?.close());

  it("requests with the old and the new key count against the same limit", async () => {
    limited = await startHarness({ env: { ADS_CONNECT_SECRET_KEYS: NEW_KEY, REFRESH_AHEAD: "off", RATE_LIMIT_API: "4", RATE_LIMIT_WINDOW_SECONDS: "600" } });
    const list = (key: string) => httpRequest(`${limited!.server.url}/connections`, { headers: bearer(key) });
    for (const key of [limited.secretKey, NEW_KEY, limited.secretKey, NEW_KEY]) expect((await list(key)).status).toBe(200);
    expect((await list(NEW_KEY)).status).toBe(429);
    expect((await list(limited.secretKey)).status).toBe(429);
  });
});
