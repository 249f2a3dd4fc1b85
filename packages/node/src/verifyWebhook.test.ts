import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AdsConnectClient, verifyWebhookSignature } from "./index.js";

const OLD = "old-webhook-signing-key-0123456789abcdef";
const NEW = "new-webhook-signing-key-0123456789abcdef";
const body = JSON.stringify({
  type: "auth",
  operation: "creation",
  success: true,
  connectionId: "c1",
  providerConfigKey: "microsoft-ads",
  provider: "microsoft-ads",
  environment: "prod",
  authMode: "OAUTH2",
  from: "ads-connect",
  endUser: { endUserId: "u1", tags: {} },
  idempotencyKey: "evt-1",
});
const sign = (key: string, raw = body) => createHmac("sha256", key).update(raw).digest("hex");
const client = (webhookSigningKey: string | string[]) => new AdsConnectClient({ host: "http://127.0.0.1:1", secretKey: "unused", webhookSigningKey });

describe("verifyWebhookSignature", () => {
  it("accepts a signature made with any of the keys, in any order", () => {
    for (const key of [OLD, NEW]) {
      expect(verifyWebhookSignature(body, sign(key), [OLD, NEW])).toBe(true);
      expect(verifyWebhookSignature(body, sign(key), [NEW, OLD])).toBe(true);
      expect(verifyWebhookSignature(body, sign(key).toUpperCase(), [OLD, NEW])).toBe(true);
    }
    expect(verifyWebhookSignature(body, sign(OLD), OLD)).toBe(true);
  });

  it("refuses another key's signature, a changed body, and malformed signatures", () => {
    expect(verifyWebhookSignature(body, sign(OLD), NEW)).toBe(false);
    expect(verifyWebhookSignature(body, sign("a-third-key-a-third-key-a-third-key"), [OLD, NEW])).toBe(false);
    expect(verifyWebhookSignature(`${body} `, sign(NEW), [OLD, NEW])).toBe(false);
    for (const bad of ["", "zz", sign(NEW).slice(0, 62), `${sign(NEW)}00`]) expect(verifyWebhookSignature(body, bad, [OLD, NEW])).toBe(false);
    expect(verifyWebhookSignature(body, sign(NEW), [])).toBe(false);
  });
});

describe("AdsConnectClient.verifyWebhook with several keys", () => {
  it("parses a webhook signed with either key; null for one signed with a key it does not have", () => {
    const both = client([OLD, NEW]);
    for (const key of [OLD, NEW]) expect(both.verifyWebhook(body, { "x-nango-hmac-sha256": sign(key) })).toMatchObject({ type: "auth", connectionId: "c1" });
    expect(client(NEW).verifyWebhook(body, { "X-Nango-Hmac-Sha256": sign(OLD) })).toBeNull();
    expect(client([NEW]).verifyWebhook(body, { "X-Nango-Hmac-Sha256": sign(NEW) })).not.toBeNull();
  });

  it("needs at least one non-empty key", () => {
    expect(() => client([]).verifyWebhook(body, {})).toThrow(/webhookSigningKey/);
    expect(() => client([OLD, ""]).verifyWebhook(body, {})).toThrow(/webhookSigningKey/);
  });
});
