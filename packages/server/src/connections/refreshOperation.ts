import { PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import type * as oidc from "openid-client";
import type { Operation } from "../oplog/operation.js";
import type { OperationLog } from "../oplog/operationLog.js";
import type { RefreshReason } from "./refreshFailures.js";

/** Why a refresh ran, in the operation log's words: a read found the token expiring, a forced refresh (or 109), refresh-ahead, keep-alive, a sync run. */
const TRIGGER: Record<RefreshReason, string> = { read: "token_read", forced: "forced", ahead: "refresh_ahead", idle: "keep_alive", sync: "sync" };

/** The `auth/refresh_token` operation of one refresh that goes to Microsoft (a token read that needs none writes nothing). */
export function startRefreshOperation(operations: OperationLog, connectionId: string, reason: RefreshReason): Operation {
  return operations.start({ type: "auth", action: "refresh_token", connectionId, integration: PROVIDER_CONFIG_KEY, meta: { trigger: TRIGGER[reason] } });
}

/** The token request to Entra as an HTTP step: its host and path, the status (0 when Entra did not answer), the retry. */
export function tokenRequestStep(
  op: Operation,
  configuration: oidc.Configuration | null,
  began: number,
  outcome: { status: number; attempt: number; maxTries: number; waitedMs: number },
): void {
  const endpoint = configuration?.serverMetadata().token_endpoint;
  const url = endpoint ? new URL(endpoint) : null;
  op.http({
    method: "POST",
    host: url?.host ?? "login.microsoftonline.com",
    path: url?.pathname ?? "/token",
    status: outcome.status,
    durationMs: performance.now() - began,
    retry: outcome.attempt > 1 ? { attempt: outcome.attempt - 1, max: outcome.maxTries - 1, waitedMs: outcome.waitedMs } : undefined,
  });
}
