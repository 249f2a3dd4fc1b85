import type { OperationLog } from "../oplog/operationLog.js";
import type { OperationQueries } from "../oplog/operationQueries.js";
import type { ConsoleStore } from "../store/consoleStore.js";
import type { ConsoleOperations } from "./operationsPort.js";

/** The operation log (oplog/) as the console uses it: its API's reads, chart counts, and the operator's actions as `admin/operator_action` operations. */
export function consoleOperations(queries: OperationQueries, log: OperationLog, store: Pick<ConsoleStore, "operationBuckets">): ConsoleOperations {
  return {
    list: ({ connectionId, limit, cursor }) => queries.list({ connection_id: connectionId, limit, cursor }),
    get: async (id) => {
      try {
        return await queries.get(id);
      } catch {
        return undefined;
      }
    },
    async countByBucket(typeAndAction, since, bucketMs, buckets, errorCode) {
      const [type = "", action = ""] = typeAndAction.split("/");
      await log.flush();
      const out = new Array<number>(buckets).fill(0);
      for (const row of await store.operationBuckets(type, action, since, bucketMs, errorCode))
        if (row.bucket >= 0 && row.bucket < buckets) out[row.bucket]! += row.n;
      return out;
    },
    async operatorAction(action, target, run) {
      const op = log.operatorAction(action, { connectionId: target.connectionId ?? null, ...(target.meta ? { meta: target.meta } : {}) });
      op.log("info", `Operator action from the console: ${action.replaceAll("_", " ")}`);
      try {
        const result = await run();
        op.succeed();
        return result;
      } catch (err) {
        op.fail(err);
        throw err;
      }
    },
  };
}
