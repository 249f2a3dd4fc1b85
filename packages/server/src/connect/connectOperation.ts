import { CONNECT_ERROR, type ConnectResult, type EndUserInput, PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import type { Operation } from "../oplog/operation.js";
import { OperationLog } from "../oplog/operationLog.js";
import type { ConnectSessionRow } from "../store/connectSessionStore.js";
import { parseJson } from "../util/parseJson.js";

type SessionIds = Pick<ConnectSessionRow, "id" | "end_user" | "operation_id" | "purpose">;

/**
 * A connect attempt's `auth/create_connection` operation: started with the start page, its id kept
 * on the connect session so that Continue, the callback, the exchange, discovery, the picker and
 * the result add to it, whichever instance serves them.
 */
export class ConnectOperations {
  private readonly operations: OperationLog;

  constructor(operations?: OperationLog) {
    this.operations = operations ?? OperationLog.disabled();
  }

  /** A new attempt's operation (the caller stores its id on the session). */
  begin(session: SessionIds): Operation {
    return this.operations.start(this.fields(session));
  }

  /** The session's attempt's operation, started elsewhere maybe; a new one if it has none. */
  of(session: SessionIds): Operation {
    return session.operation_id ? this.operations.resume(session.operation_id, this.fields(session)) : this.begin(session);
  }

  private fields(session: SessionIds) {
    const endUserId = parseJson<EndUserInput>(session.end_user).id;
    return {
      type: "auth",
      action: "create_connection",
      sessionId: session.id,
      endUserId,
      integration: PROVIDER_CONFIG_KEY,
      meta: { purpose: session.purpose ?? "connect" },
    };
  }
}

/** Ends the operation with the attempt's result: a success, the person's cancel, or the failure's code and message. */
export function endWithResult(op: Operation, result: ConnectResult): void {
  if (result.type !== CONNECT_ERROR) {
    op.log("info", "Result: connected");
    op.succeed();
    return;
  }
  op.fail({ code: result.error.code, message: result.error.message }, result.error.code === "user_cancelled" ? "cancelled" : "failed");
}
