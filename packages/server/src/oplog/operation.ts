import { randomUUID } from "node:crypto";
import type { OperationState } from "@ads-connect/shared";
import { AppError, tagOperation } from "../errors.js";
import { fromDatabaseError } from "../store/databaseErrors.js";
import type { OperationMessageRow, OperationRow } from "../store/operationStore.js";
import { scrubOperationMeta, scrubOperationText } from "./scrub.js";

export type OperationLevel = "debug" | "info" | "warn" | "error";

/** What an operation is about; only `type` and `action` are required (Nango's vocabulary). */
export interface OperationStart {
  type: string;
  action: string;
  connectionId?: string | null | undefined;
  endUserId?: string | null | undefined;
  integration?: string | null | undefined;
  sessionId?: string | null | undefined;
  meta?: Record<string, unknown> | undefined;
}

/** One HTTP step: the path without its query (secrets travel there), never headers or bodies. */
export interface HttpStep {
  method: string;
  host: string;
  path: string;
  /** The status answered, or 0 when nothing came back (a timeout, a refused connection). */
  status: number;
  durationMs: number;
  retry?: { attempt: number; max: number; waitedMs: number } | undefined;
  /** A short note, e.g. "Microsoft Advertising error 109" (scrubbed like any message). */
  message?: string | undefined;
}

export interface PersistResults {
  model: string;
  added: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

/** Where an operation hands its rows: the log's queue (written in batches off the request path). */
export interface OperationSink {
  changed(op: Operation): void;
  message(row: OperationMessageRow): void;
}

/** What an unexpected error (not an AppError) is recorded as: the same words as its 500 answer. */
const UNEXPECTED = { code: "internal_error", message: "Something went wrong on the server. It has been logged." };

const FINAL: ReadonlySet<OperationState> = new Set(["success", "failed", "timeout", "cancelled"]);

/**
 * One operation as this process knows it. Every method only records in memory; the log writes
 * batches later, so nothing here waits for the database or throws because of it. The first end
 * wins: a `succeed()` after a `fail()` (a `finally` that always ends) changes nothing.
 */
export class Operation {
  readonly id: string;
  private state: OperationState;
  private endedAt: number | null = null;
  private errorCode: string | null = null;
  private errorMessage: string | null = null;
  private fields: Required<Omit<OperationStart, "meta">> & { meta: Record<string, unknown> | undefined };

  constructor(
    private readonly sink: OperationSink,
    start: OperationStart,
    private readonly startedAt: number,
    private readonly now: () => number,
    id?: string,
  ) {
    this.id = id ?? randomUUID();
    this.state = "running";
    this.fields = {
      type: start.type,
      action: start.action,
      connectionId: start.connectionId ?? null,
      endUserId: start.endUserId ?? null,
      integration: start.integration ?? null,
      sessionId: start.sessionId ?? null,
      meta: start.meta,
    };
    sink.changed(this);
  }

  get ended(): boolean {
    return FINAL.has(this.state);
  }

  /** Ids learnt on the way (the connection once a sign-in has created it); meta is merged. */
  update(fields: Omit<Partial<OperationStart>, "type" | "action">): void {
    const { meta, ...ids } = fields;
    for (const [key, value] of Object.entries(ids)) if (value != null) (this.fields as unknown as Record<string, unknown>)[key] = value;
    if (meta) this.fields.meta = { ...this.fields.meta, ...meta };
    this.sink.changed(this);
  }

  log(level: OperationLevel, message: string, meta?: Record<string, unknown>): void {
    this.add("log", level, message, meta ? { meta: scrubOperationMeta(meta) } : null);
  }

  http(step: HttpStep): void {
    const level: OperationLevel = step.status === 0 || step.status >= 500 ? "error" : step.status >= 400 ? "warn" : "info";
    const path = step.path.split("?")[0] ?? "";
    const details = {
      request: { method: step.method.toUpperCase(), host: step.host, path: scrubOperationText(path) },
      ...(step.status > 0 ? { response: { status: step.status } } : {}),
      durationMs: Math.round(step.durationMs),
      ...(step.retry ? { retry: step.retry } : {}),
    };
    const text = `${details.request.method} ${step.host}${details.request.path} ${step.status || "no answer"}${step.message ? ` (${step.message})` : ""}`;
    this.add("http", level, text, details);
  }

  persistResults(results: PersistResults): void {
    this.add(
      "log",
      "info",
      `${results.model}: ${results.added} added, ${results.updated} updated, ${results.deleted} deleted, ${results.unchanged} unchanged`,
      { persistResults: results },
    );
  }

  succeed(): void {
    this.end("success");
  }

  /**
   * Ends the operation failed with the error's code and message (scrubbed): an AppError's, a
   * `{code, message}` given as such, else `internal_error`. The error is tagged with this
   * operation's id, which its error answer carries as `error.operation_id` (a 500 too).
   */
  fail(error: unknown, state: "failed" | "timeout" | "cancelled" = "failed"): void {
    if (this.ended) return;
    tagOperation(error, this.id);
    // Any other Error is the database out of reach (a 503) or our bug (a plain 500): its own code
    // and message are internals, kept in the server's log only.
    const e = (error instanceof Error && !(error instanceof AppError) ? (fromDatabaseError(error) ?? UNEXPECTED) : (error ?? {})) as {
      code?: unknown;
      message?: unknown;
    };
    this.errorCode = typeof e.code === "string" ? e.code : "internal_error";
    this.errorMessage = typeof e.message === "string" ? scrubOperationText(e.message).slice(0, 500) : null;
    this.log("error", `${this.errorCode}${this.errorMessage ? `: ${this.errorMessage}` : ""}`);
    this.end(state);
  }

  end(state: OperationState): void {
    if (this.ended) return;
    this.state = state;
    if (FINAL.has(state)) this.endedAt = this.now();
    this.sink.changed(this);
  }

  /** The row as known now (merged with what is stored by OperationStore.write). */
  toRow(): OperationRow {
    const f = this.fields;
    return {
      id: this.id,
      type: f.type,
      action: f.action,
      state: this.state,
      connection_id: f.connectionId,
      end_user_id: f.endUserId,
      integration: f.integration,
      session_id: f.sessionId,
      error_code: this.errorCode,
      error_message: this.errorMessage,
      started_at: this.startedAt,
      ended_at: this.endedAt,
      duration_ms: this.endedAt === null ? null : this.endedAt - this.startedAt,
      meta: f.meta ? JSON.stringify(scrubOperationMeta(f.meta)) : null,
    };
  }

  private add(type: "log" | "http", level: OperationLevel, message: string, details: object | null): void {
    this.sink.message({
      id: randomUUID(),
      operation_id: this.id,
      type,
      level,
      message: scrubOperationText(message).slice(0, 2000),
      created_at: this.now(),
      details: details ? JSON.stringify(details) : null,
    });
  }
}
