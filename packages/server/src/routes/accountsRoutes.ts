import {
  ACCOUNTS_SYNC_NAME,
  PROVIDER_CONFIG_KEY,
  ProviderConfigKeyQuerySchema,
  RecordsQuerySchema,
  type SyncNowResponse,
  TriggerSyncBodySchema,
} from "@ads-connect/shared";
import { type RequestHandler, Router } from "express";
import type { AccountSync, SyncRun } from "../accounts/accountSync.js";
import type { RecordsService } from "../accounts/recordsService.js";
import { AppError } from "../errors.js";
import { parseWith } from "../http/parseWith.js";

function toResponse(connectionId: string, run: SyncRun): SyncNowResponse {
  if (run.ok) return { success: true, results: run.results, accounts_error: null };
  if (run.error === null) throw new AppError("not_found", `No connection with id "${connectionId}"`, 404);
  return { success: false, results: null, accounts_error: run.error };
}

/** Records API and on-demand account sync (Nango's shapes; secret key). */
export function accountsRoutes(deps: { sync: AccountSync; records: RecordsService }, requireSecretKey: RequestHandler): Router {
  const router = Router({ caseSensitive: true });

  router.get("/records", requireSecretKey, async (req, res) => {
    const query = parseWith(RecordsQuerySchema, req.query, "query");
    res
      .set("cache-control", "no-store")
      .json(await deps.records.list({ connectionId: req.get("connection-id"), providerConfigKey: req.get("provider-config-key"), query }));
  });

  router.post("/connections/:connectionId/sync", requireSecretKey, async (req, res) => {
    const { provider_config_key } = parseWith(ProviderConfigKeyQuerySchema, req.query, "query");
    if (provider_config_key !== undefined && provider_config_key !== PROVIDER_CONFIG_KEY)
      throw new AppError("unknown_provider_config", `provider_config_key must be "${PROVIDER_CONFIG_KEY}"`);
    const connectionId = String(req.params.connectionId);
    res.json(toResponse(connectionId, await deps.sync.sync(connectionId)));
  });

  // Nango's trigger: runs the accounts sync now (synchronously) for one connection.
  router.post("/sync/trigger", requireSecretKey, async (req, res) => {
    const body = parseWith(TriggerSyncBodySchema, req.body, "body");
    if (body.provider_config_key !== PROVIDER_CONFIG_KEY) throw new AppError("unknown_provider_config", `provider_config_key must be "${PROVIDER_CONFIG_KEY}"`);
    const names = body.syncs.map((s) => (typeof s === "string" ? s : s.name));
    if (names.some((n) => n !== ACCOUNTS_SYNC_NAME))
      throw new AppError("invalid_body", `Invalid request body. syncs: this server has one sync, "${ACCOUNTS_SYNC_NAME}"`, 400, {
        details: [{ path: "syncs", message: `must be ["${ACCOUNTS_SYNC_NAME}"]` }],
      });
    const response = toResponse(body.connection_id, await deps.sync.sync(body.connection_id));
    res.json({ success: response.success });
  });

  return router;
}
