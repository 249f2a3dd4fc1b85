import { createHash } from "node:crypto";
import { AdsConnectClient, verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from "@ads-connect/node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";

// Rotating the webhook signing key: the receiver (the product backend) accepts the old and the new
// key during the overlap, the server switches ADS_CONNECT_WEBHOOK_SIGNING_KEY, then the receiver
// drops the old key. A webhook still waiting for delivery at the switch goes out signed with the new key.
const NEW_KEY = "new-webhook-signing-key-0123456789abcdefghij";
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off", ACCOUNT_SYNC: "off", WEBHOOK_RETRY_BASE_MS: "10", WEBHOOK_RETRY_MAX_MS: "100" } });
});
afterAll(() => h?.close());

const receiver = (keys: string | string[]) => new AdsConnectClient({ host: h.server.url, secretKey: h.secretKey, webhookSigningKey: keys });
const signatureOf = (headers: Record<string, string | string[] | undefined>) => headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string;

it("during the overlap a receiver with [old, new] accepts webhooks signed with either; one with only one key accepts only its own", async () => {
  const oldKey = h.webhookSigningKey;
  const first = h.webhooks.received.length;
  await connectAs(h, "adele@contoso.example");
  const [signedOld] = (await h.webhooks.waitFor(first + 1)).slice(first);

  // A webhook not yet delivered when the key is switched (the receiver is down)…
  h.webhooks.respondWith(503);
  await connectAs(h, "megan@contoso.example");
  await h.restart({ ADS_CONNECT_WEBHOOK_SIGNING_KEY: NEW_KEY });
  const fingerprint = (await receiver(oldKey).getIntegrationStatus()).data.webhook_signing_key.fingerprint;
  expect(fingerprint).toBe(createHash("sha256").update(NEW_KEY).digest("hex").slice(0, 8));
  // …is delivered after the switch, signed with the new key.
  h.webhooks.respondWith(200);
  const [retried] = (await h.webhooks.waitFor(first + 2)).slice(first + 1);
  const third = h.webhooks.received.length;
  await connectAs(h, "adele@contoso.example", {});
  const [signedNew] = (await h.webhooks.waitFor(third + 1)).slice(third);

  const both = receiver([oldKey, NEW_KEY]);
  for (const hook of [signedOld!, retried!, signedNew!]) {
    expect(both.verifyWebhook(hook.rawBody, hook.headers)).toMatchObject({ type: "auth", success: true });
    expect(verifyWebhookSignature(hook.rawBody, signatureOf(hook.headers), [NEW_KEY, oldKey])).toBe(true);
  }
  expect(receiver(oldKey).verifyWebhook(signedOld!.rawBody, signedOld!.headers)).not.toBeNull();
  for (const hook of [retried!, signedNew!]) {
    expect(receiver(oldKey).verifyWebhook(hook.rawBody, hook.headers)).toBeNull();
    expect(receiver([NEW_KEY]).verifyWebhook(hook.rawBody, hook.headers)).not.toBeNull();
  }
  expect(receiver(NEW_KEY).verifyWebhook(signedOld!.rawBody, signedOld!.headers)).toBeNull();
});
