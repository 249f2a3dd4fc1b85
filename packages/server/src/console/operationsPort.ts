/**
 * What the console needs from the operation log (SESSION9's contract, built in `oplog/`): the
 * timeline of a connection, one operation with its messages, the chart counts, and recording the
 * operator's own actions. composition.ts adapts the recorder to it; without one the console says
 * the log is not available.
 */
export interface ConsoleOperation {
  id: string;
  type: string;
  action: string;
  state: string;
  connectionId: string | null;
  endUserId: string | null;
  integration: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  meta: unknown;
}

export interface ConsoleOperationMessage {
  id: string;
  operationId: string;
  type: string;
  level: string;
  message: string;
  createdAt: string;
  [field: string]: unknown;
}

export interface ConsoleOperations {
  list(filter: { connectionId?: string; limit: number; cursor?: string | undefined }): Promise<{ operations: ConsoleOperation[]; next_cursor: string | null }>;
  get(id: string): Promise<{ operation: ConsoleOperation; messages: ConsoleOperationMessage[] } | undefined>;
  /** Operations of `type` started in [since, since + n * bucketMs), per bucket; failed ones apart (with `errorCode` when given). */
  countByBucket?(type: string, since: number, bucketMs: number, buckets: number, errorCode?: string): Promise<number[]>;
  /** Runs `run` as an `admin/operator_action` operation named `action`: succeeded when it resolves, failed when it throws. */
  operatorAction<T>(
    action: string,
    target: { connectionId?: string | undefined; endUserId?: string | undefined; meta?: Record<string, unknown> },
    run: () => Promise<T>,
  ): Promise<T>;
}
