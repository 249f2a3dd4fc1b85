import { createHmac, timingSafeEqual } from "node:crypto";
import {
  type AuthWebhookBody,
  AuthWebhookBodySchema,
  parseJsonText,
  type SyncWebhookBody,
  SyncWebhookBodySchema,
  WEBHOOK_SIGNATURE_HEADER,
} from "@ads-connect/shared";

/**
 * Whether `signature` (the `X-Nango-Hmac-Sha256` header: hex HMAC-SHA256 of the raw body) was made
 * with one of `keys`. Several keys during a rotation of the server's signing key; each is compared
 * in constant time, all of them whichever matches.
 *
 * @example
 * ```ts
 * import { WEBHOOK_SIGNATURE_HEADER, verifyWebhookSignature } from "@ads-connect/node";
 *
 * const headers = new Headers({ [WEBHOOK_SIGNATURE_HEADER]: signature });
 * const genuine = verifyWebhookSignature(rawBody, headers.get(WEBHOOK_SIGNATURE_HEADER) ?? "", [oldSigningKey, newSigningKey]);
 * ```
 */
export function verifyWebhookSignature(rawBody: string, signature: string, keys: string | readonly string[]): boolean {
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
  const given = Buffer.from(signature, "hex");
  let matched = false;
  for (const key of typeof keys === "string" ? [keys] : keys) {
    if (!key) continue;
    const expected = createHmac("sha256", key).update(rawBody).digest();
    matched = timingSafeEqual(expected, given) || matched;
  }
  return matched;
}

/** {@link AdsConnectClient.verifyWebhook}'s check: the parsed body when the signature header verifies with one of `keys`, else null. */
export function verifiedWebhookBody(
  rawBody: string,
  headers: Record<string, string | string[] | undefined>,
  keys: readonly string[],
): AuthWebhookBody | SyncWebhookBody | null {
  const header = Object.entries(headers).find(([k]) => k.toLowerCase() === WEBHOOK_SIGNATURE_HEADER.toLowerCase())?.[1];
  if (typeof header !== "string" || !verifyWebhookSignature(rawBody, header, keys)) return null;
  const body = parseJsonText(rawBody);
  const parsed = (
    typeof body === "object" && body !== null && (body as { type?: unknown }).type === "sync" ? SyncWebhookBodySchema : AuthWebhookBodySchema
  ).safeParse(body);
  return parsed.success ? parsed.data : null;
}
