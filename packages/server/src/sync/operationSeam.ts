/**
 * What a sync run records in the operation log (the recorder of the `oplog/` folder satisfies it;
 * without one, runs are only logged). Kept to the calls a run makes.
 */
export interface SyncOperations {
  start(input: { type: "sync"; action: "run"; connectionId: string; integration: string; meta?: Record<string, unknown> }): SyncOperation;
}

export interface SyncOperation {
  log(level: "info" | "warn" | "error", message: string, meta?: Record<string, unknown>): void;
  persistResults?(results: { model: string; added: number; updated: number; deleted: number; unchanged: number }): void;
  succeed(): void;
  fail(error: { code: string; message: string }): void;
}
