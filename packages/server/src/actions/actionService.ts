import { type ActionsListResponse, PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import type { Logger } from "pino";
import type { ConnectionService } from "../connections/connectionService.js";
import { AppError } from "../errors.js";
import type { ReportDownloadOptions } from "../msads/reportDownload.js";
import type { Operation } from "../oplog/operation.js";
import { OperationLog } from "../oplog/operationLog.js";
import { inSpan, operationAttributes } from "../telemetry/tracing.js";
import { actionContext } from "./actionContext.js";
import { toActionError } from "./actionErrors.js";
import type { ActionProxy } from "./actionProxy.js";
import { ActionRegistry } from "./actionRegistry.js";
import type { Action } from "./defineAction.js";
import { loadActionsDir } from "./loadActionsDir.js";
import { prebuiltActions } from "./prebuilt/index.js";

const issuesOf = (error: { issues: { path: PropertyKey[]; message: string; code: string }[] }, prefix: string) =>
  error.issues.map((issue) => ({ path: [prefix, ...issue.path.map(String)].join("."), message: issue.message, code: issue.code }));

/**
 * Runs actions by name for a connection (POST /action/trigger): input validated with the action's
 * schema, `run` given the connection's context, output validated before it is returned.
 */
export class ActionService {
  readonly registry: ActionRegistry;

  private readonly operations: OperationLog;

  constructor(
    private readonly deps: {
      connections: ConnectionService;
      proxy: ActionProxy;
      logger: Logger;
      reportDownload: ReportDownloadOptions;
      operations?: OperationLog;
    },
  ) {
    this.registry = new ActionRegistry(prebuiltActions({ reportDownload: deps.reportDownload }));
    this.operations = deps.operations ?? OperationLog.disabled();
  }

  /** Loads ACTIONS_DIR's modules (at start, once); failures are logged and listed, never thrown. */
  async load(actionsDir: string | null): Promise<void> {
    if (actionsDir) await loadActionsDir(this.registry, actionsDir, this.deps.logger);
  }

  list(): ActionsListResponse {
    return this.registry.list();
  }

  async trigger(request: { connectionId: string | undefined; providerConfigKey: string | undefined; actionName: string; input: unknown }): Promise<unknown> {
    const { connectionId, providerConfigKey, actionName } = request;
    if (!connectionId)
      throw new AppError("invalid_body", "The Connection-Id header is required", 400, { details: [{ path: "Connection-Id", message: "required header" }] });
    if (providerConfigKey !== undefined && providerConfigKey !== PROVIDER_CONFIG_KEY)
      throw new AppError("unknown_provider_config", `Provider-Config-Key must be "${PROVIDER_CONFIG_KEY}"`);
    const registered = this.registry.get(actionName);
    if (!registered) throw new AppError("unknown_action", `No action named "${actionName.slice(0, 100)}"; GET /actions lists them`, 400);
    const op = this.operations.start({ type: "action", action: "run", connectionId, integration: PROVIDER_CONFIG_KEY, meta: { actionName } });
    try {
      const attributes = {
        ...operationAttributes({ type: "action", action: "run", connectionId, integration: PROVIDER_CONFIG_KEY, operationId: op.id }),
        "ads_connect.action.name": registered.action.name,
      };
      const output = await inSpan("ads_connect action run", { attributes }, () => this.run(registered.action, connectionId, request.input, op));
      op.succeed();
      return output;
    } catch (err) {
      op.fail(err);
      throw err;
    }
  }

  private async run(action: Action, connectionId: string, rawInput: unknown, op: Operation): Promise<unknown> {
    const input = action.input.safeParse(rawInput === undefined ? {} : rawInput);
    if (!input.success) {
      const details = issuesOf(input.error, "input");
      throw new AppError("invalid_action_input", `Invalid input for "${action.name}". ${details[0]!.path}: ${details[0]!.message}`, 400, { details });
    }
    const connection = (await this.deps.connections.list({ connectionId })).connections.find((c) => c.connection_id === connectionId);
    if (!connection) throw new AppError("not_found", `No connection with id "${connectionId}"`, 404);
    op.update({ endUserId: connection.end_user?.id ?? null });
    const logger = this.deps.logger.child({ action: action.name, connectionId });
    const started = Date.now();
    let result: unknown;
    try {
      // The action's calls are steps of its operation.
      const proxy: ActionProxy = { call: (call) => this.deps.proxy.call({ ...call, op }) };
      result = await action.run(actionContext({ connection, proxy, logger }), input.data);
    } catch (err) {
      const error = toActionError(err, action.name, logger);
      logger.info({ code: error.code, status: error.status, ms: Date.now() - started }, "action failed");
      throw error;
    }
    const output = action.output.safeParse(result);
    if (!output.success) {
      const details = issuesOf(output.error, "output");
      logger.error({ errors: details }, "action output does not match its schema");
      throw new AppError(
        "invalid_action_output",
        `The action "${action.name}" returned output that does not match its schema (${details[0]!.path}: ${details[0]!.message}); nothing was returned.`,
        500,
        { details },
      );
    }
    logger.info({ ms: Date.now() - started }, "action ran");
    return output.data;
  }
}
