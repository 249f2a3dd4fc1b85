import { createHmac } from "node:crypto";

/** Hex HMAC-SHA256 of the raw body, as Nango signs (`X-Nango-Hmac-Sha256`). */
export function signWebhook(signingKey: string, rawBody: string): string {
  return createHmac("sha256", signingKey).update(rawBody).digest("hex");
}
