import { PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import type { OperationLog } from "../oplog/operationLog.js";

/** A path segment that may be a secret (a token in a receiver's URL): long and random-looking. */
const SECRET_SEGMENT = /[\w-]{20,}/g;

function fieldsOf(raw: string): { connectionId: string | null; meta: Record<string, unknown> } {
  try {
    const body = JSON.parse(raw) as { connectionId?: unknown; type?: unknown; operation?: unknown };
    return {
      connectionId: typeof body.connectionId === "string" ? body.connectionId : null,
      meta: { webhookType: typeof body.type === "string" ? body.type : null, operation: typeof body.operation === "string" ? body.operation : null },
    };
  } catch {
    return { connectionId: null, meta: {} };
  }
}

/**
 * One delivery attempt of an outbox event, under the event's `webhook/deliver` operation (its id is
 * the event's, so attempts from any instance and after restarts add to one operation): the
 * attempt's HTTP step, and the state: `success` once delivered, `failed` when given up, `waiting` for
 * the next attempt. Never the body (it names the end user) nor the signature.
 */
export function recordDelivery(
  operations: OperationLog,
  delivery: {
    id: string;
    raw: string;
    url: string;
    attempt: number;
    maxAttempts: number;
    statusCode: number | null;
    error: string | null;
    startedAt: number;
    durationMs: number;
  },
): void {
  const { connectionId, meta } = fieldsOf(delivery.raw);
  const op = operations.resume(
    `webhook-${delivery.id}`,
    { type: "webhook", action: "deliver", connectionId, integration: PROVIDER_CONFIG_KEY, meta: { ...meta, webhookId: delivery.id } },
    // The first attempt's start is the operation's (a later attempt's is ignored by the merge).
    delivery.startedAt,
  );
  const url = new URL(delivery.url);
  op.http({
    method: "POST",
    host: url.host,
    path: url.pathname.replace(SECRET_SEGMENT, "[REDACTED]"),
    status: delivery.statusCode ?? 0,
    durationMs: delivery.durationMs,
    retry: delivery.attempt > 1 ? { attempt: delivery.attempt - 1, max: delivery.maxAttempts - 1, waitedMs: 0 } : undefined,
    message: delivery.error ?? undefined,
  });
  if (delivery.error === null) op.succeed();
  else if (delivery.attempt >= delivery.maxAttempts)
    op.fail({ code: "webhook_delivery_failed", message: `Gave up after ${delivery.attempt} attempts (${delivery.error})` });
  else op.end("waiting");
}
