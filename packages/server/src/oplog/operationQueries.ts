import type { ListOperationsQuerySchema, Operation as OperationJson, OperationMessage, OperationState } from "@ads-connect/shared";
import type { z } from "zod";
import { AppError } from "../errors.js";
import type { OperationMessageRow, OperationRow, OperationStore } from "../store/operationStore.js";
import type { OperationLog } from "./operationLog.js";

type ListQuery = z.infer<typeof ListOperationsQuerySchema>;

/** Messages one operation answers with at most (a long sync's steps). */
const MAX_MESSAGES = 1000;

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

function parseJson(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function operationJson(row: OperationRow): OperationJson {
  return {
    id: row.id,
    type: row.type,
    action: row.action,
    state: row.state as OperationState,
    connectionId: row.connection_id,
    endUserId: row.end_user_id,
    integration: row.integration,
    sessionId: row.session_id,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    startedAt: iso(row.started_at)!,
    endedAt: iso(row.ended_at),
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    meta: parseJson(row.meta),
  };
}

function messageJson(row: OperationMessageRow): OperationMessage {
  return {
    id: row.id,
    operationId: row.operation_id,
    type: row.type as OperationMessage["type"],
    level: row.level as OperationMessage["level"],
    message: row.message,
    createdAt: iso(row.created_at)!,
    ...(parseJson(row.details) ?? {}),
  };
}

/** The cursor: the last row's start time and id, opaque to the caller. */
const encodeCursor = (row: OperationRow) => Buffer.from(`${Number(row.started_at)}:${row.id}`).toString("base64url");

function decodeCursor(cursor: string): { startedAt: number; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split(/:(.*)/s);
  const startedAt = Number(at);
  if (!Number.isSafeInteger(startedAt) || !id) throw new AppError("invalid_query", "Invalid request query. cursor: not a cursor this API returned", 400);
  return { startedAt, id };
}

/** The logs API (`GET /logs/operations`, `GET /logs/operations/:id`) over the stored operation log. */
export class OperationQueries {
  constructor(
    private readonly store: OperationStore,
    private readonly log: OperationLog,
  ) {}

  async list(query: ListQuery): Promise<{ operations: OperationJson[]; next_cursor: string | null }> {
    const limit = query.limit ?? 50;
    const [type, action] = query.type?.split(":") ?? [];
    // What this instance recorded so far is listed too.
    await this.log.flush();
    const rows = await this.store.list({
      connectionId: query.connection_id,
      endUserId: query.end_user_id,
      type,
      action,
      state: query.state,
      errorCode: query.error_code,
      from: query.from === undefined ? undefined : Date.parse(query.from),
      to: query.to === undefined ? undefined : Date.parse(query.to),
      before: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return { operations: page.map(operationJson), next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
  }

  async get(id: string): Promise<{ operation: OperationJson; messages: OperationMessage[] }> {
    await this.log.flush();
    const row = await this.store.get(id);
    if (!row) throw new AppError("not_found", `No operation with id ${id}`, 404);
    return { operation: operationJson(row), messages: (await this.store.messages(id, MAX_MESSAGES)).map(messageJson) };
  }
}
