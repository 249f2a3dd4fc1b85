import { createHmac } from "node:crypto";
import { WEBHOOK_SIGNATURE_HEADER, type AuthWebhookBody } from "@ads-connect/shared";
import type { Logger } from "pino";

export function signWebhook(signingKey: string, rawBody: string): string {
  return createHmac("sha256", signingKey).update(rawBody).digest("hex");
}

export interface WebhookSender {
  send(body: AuthWebhookBody): void;
  /** Resolves when every delivery started so far has finished (tests, shutdown). */
  idle(): Promise<void>;
}

/**
 * Posts signed webhooks to the configured URL with a few quick retries. Delivery is best effort in
 * this version: an event still failing after the retries is logged and dropped.
 */
export function createWebhookSender(options: {
  url: string | null;
  signingKey: string;
  logger: Logger;
  retryDelaysMs?: number[];
}): WebhookSender {
  const pending = new Set<Promise<void>>();
  const delays = options.retryDelaysMs ?? [500, 2000, 8000];

  async function deliver(url: string, body: AuthWebhookBody): Promise<void> {
    const raw = JSON.stringify(body);
    const headers = {
      "content-type": "application/json",
      [WEBHOOK_SIGNATURE_HEADER]: signWebhook(options.signingKey, raw),
      "user-agent": "ads-connect",
    };
    for (let attempt = 0; ; attempt++) {
      const failure = await fetch(url, { method: "POST", headers, body: raw, signal: AbortSignal.timeout(10_000) }).then(
        (r) => (r.ok ? null : `HTTP ${r.status}`),
        (e: unknown) => (e instanceof Error ? e.name : "network error"),
      );
      const log = { operation: body.operation, connectionId: body.connectionId, attempt: attempt + 1 };
      if (failure === null) return options.logger.info(log, "webhook delivered");
      const delay = delays[attempt];
      if (delay === undefined) return options.logger.error({ ...log, failure }, "webhook delivery failed, giving up");
      options.logger.warn({ ...log, failure }, "webhook delivery failed, retrying");
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  return {
    send(body) {
      if (!options.url) return;
      const p = deliver(options.url, body).finally(() => pending.delete(p));
      pending.add(p);
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
