import { z } from "zod";

/**
 * Every operation's `type` and its `action`s, in Nango's vocabulary (`auth` / `create_connection`…).
 *
 * @example
 * ```ts
 * import { OPERATION_ACTIONS } from "@ads-connect/node";
 *
 * console.log(OPERATION_ACTIONS.auth); // ["create_connection", "refresh_token"]
 * ```
 */
export const OPERATION_ACTIONS = {
  auth: ["create_connection", "refresh_token"],
  proxy: ["call"],
  action: ["run"],
  sync: ["run", "pause", "unpause", "request_run", "request_run_full"],
  webhook: ["deliver"],
  admin: ["consent", "operator_action"],
} as const;

/**
 * An operation's type (`auth`, `proxy`, `action`, `sync`, `webhook`, `admin`).
 *
 * @example
 * ```ts
 * import type { OperationType } from "@ads-connect/node";
 *
 * const type: OperationType = "proxy";
 * ```
 */
export type OperationType = keyof typeof OPERATION_ACTIONS;

/**
 * An operation's state: `waiting`, `running`, `success`, `failed`, `timeout` or `cancelled`.
 *
 * @example
 * ```ts
 * import { OperationStateSchema } from "@ads-connect/node";
 *
 * OperationStateSchema.parse("failed");
 * ```
 */
export const OperationStateSchema = z.enum(["waiting", "running", "success", "failed", "timeout", "cancelled"]);

/**
 * A parsed {@link OperationStateSchema}.
 *
 * @example
 * ```ts
 * import type { OperationState } from "@ads-connect/node";
 *
 * const done = (state: OperationState) => state !== "waiting" && state !== "running";
 * ```
 */
export type OperationState = z.infer<typeof OperationStateSchema>;

const isTypeFilter = (value: string) => {
  const [type, action, more] = value.split(":");
  const actions = (OPERATION_ACTIONS as Record<string, readonly string[]>)[type ?? ""];
  return actions !== undefined && more === undefined && (action === undefined || actions.includes(action));
};

const time = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z" });

/**
 * `GET /logs/operations` query: filters (all optional), `cursor` from the previous page, `limit` 1-100 (default 50).
 * `type` is a type (`proxy`) or a type and action (`auth:refresh_token`); `from` (inclusive) and `to` (exclusive) bound the start time.
 *
 * @example
 * ```ts
 * import { ListOperationsQuerySchema } from "@ads-connect/node";
 *
 * const query = ListOperationsQuerySchema.parse({ connection_id: connectionId, type: "auth:refresh_token", state: "failed" });
 * ```
 */
export const ListOperationsQuerySchema = z.object({
  connection_id: z.string().min(1).max(200).optional(),
  end_user_id: z.string().min(1).max(200).optional(),
  type: z
    .string()
    .refine(isTypeFilter, { error: `must be a type (${Object.keys(OPERATION_ACTIONS).join(", ")}) or type:action, e.g. auth:refresh_token` })
    .optional(),
  state: OperationStateSchema.optional(),
  error_code: z.string().min(1).max(100).optional(),
  from: time.optional(),
  to: time.optional(),
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

/**
 * One operation of the operation log (Nango's names, camelCase): what happened, to which
 * connection, how it ended. Times are ISO 8601.
 *
 * @example
 * ```ts
 * import { OperationSchema } from "@ads-connect/node";
 *
 * const operation = OperationSchema.parse(json);
 * if (operation.state === "failed") console.log(operation.errorCode, operation.errorMessage);
 * ```
 */
export const OperationSchema = z.object({
  id: z.string(),
  type: z.string(),
  action: z.string(),
  state: OperationStateSchema,
  connectionId: z.string().nullable(),
  endUserId: z.string().nullable(),
  integration: z.string().nullable(),
  sessionId: z.string().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  meta: z.record(z.string(), z.unknown()).nullable(),
});

/**
 * A parsed {@link OperationSchema}.
 *
 * @example
 * ```ts
 * import type { Operation } from "@ads-connect/node";
 *
 * const label = (op: Operation) => `${op.type}/${op.action} ${op.state}`;
 * ```
 */
export type Operation = z.infer<typeof OperationSchema>;

/**
 * A message under an operation: a log line (`type: "log"`) or an HTTP step (`type: "http"`, with
 * the request without secrets, the status, the time it took and the retry). No tokens, codes,
 * secrets or personal data.
 *
 * @example
 * ```ts
 * import { OperationMessageSchema } from "@ads-connect/node";
 *
 * const message = OperationMessageSchema.parse(json);
 * if (message.type === "http") console.log(message.request?.method, message.request?.path, message.response?.status);
 * ```
 */
export const OperationMessageSchema = z.object({
  id: z.string(),
  operationId: z.string(),
  type: z.enum(["log", "http"]),
  level: z.enum(["debug", "info", "warn", "error"]),
  message: z.string(),
  createdAt: z.string(),
  request: z.object({ method: z.string(), host: z.string(), path: z.string() }).optional(),
  response: z.object({ status: z.number().int() }).optional(),
  durationMs: z.number().optional(),
  retry: z.object({ attempt: z.number().int(), max: z.number().int(), waitedMs: z.number() }).optional(),
  persistResults: z
    .object({ model: z.string(), added: z.number().int(), updated: z.number().int(), deleted: z.number().int(), unchanged: z.number().int() })
    .optional(),
});

/**
 * A parsed {@link OperationMessageSchema}.
 *
 * @example
 * ```ts
 * import type { OperationMessage } from "@ads-connect/node";
 *
 * const line = (m: OperationMessage) => `${m.createdAt} ${m.level} ${m.message}`;
 * ```
 */
export type OperationMessage = z.infer<typeof OperationMessageSchema>;

/**
 * `GET /logs/operations`: a page of operations, newest first; `next_cursor` is null on the last page.
 *
 * @example
 * ```ts
 * import { ListOperationsResponseSchema } from "@ads-connect/node";
 *
 * const { operations, next_cursor } = ListOperationsResponseSchema.parse(await response.json());
 * ```
 */
export const ListOperationsResponseSchema = z.object({ operations: z.array(OperationSchema), next_cursor: z.string().nullable() });

/**
 * `GET /logs/operations/:id`: one operation with its messages, in the order they happened.
 *
 * @example
 * ```ts
 * import { OperationResponseSchema } from "@ads-connect/node";
 *
 * const { operation, messages } = OperationResponseSchema.parse(await response.json());
 * ```
 */
export const OperationResponseSchema = z.object({ operation: OperationSchema, messages: z.array(OperationMessageSchema) });

/**
 * A parsed {@link ListOperationsResponseSchema}.
 *
 * @example
 * ```ts
 * import type { ListOperationsResponse } from "@ads-connect/node";
 *
 * const failed = (page: ListOperationsResponse) => page.operations.filter((o) => o.state === "failed");
 * ```
 */
export type ListOperationsResponse = z.infer<typeof ListOperationsResponseSchema>;

/**
 * A parsed {@link OperationResponseSchema}.
 *
 * @example
 * ```ts
 * import type { OperationResponse } from "@ads-connect/node";
 *
 * const httpSteps = (answer: OperationResponse) => answer.messages.filter((m) => m.type === "http");
 * ```
 */
export type OperationResponse = z.infer<typeof OperationResponseSchema>;
