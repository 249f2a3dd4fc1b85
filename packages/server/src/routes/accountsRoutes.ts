import {
  ACCOUNTS_SYNC_NAME,
  AD_ACCOUNT_MODEL,
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
import { SYNC_MODELS } from "../sync/syncDefinitions.js";
import type { SyncService } from "../sync/syncService.js";

function toResponse(connectionId: string, run: SyncRun): SyncNowResponse {
  if (run.ok) return { success: true, results: run.results, accounts_error: null };
  if (run.error === null) throw new AppError("not_found", `No connection with id "${connectionId}"`, 404);
  return { success: false, results: null, accounts_error: run.error };
}

/** Records API and on-demand account sync (Nango's shapes; secret key). */
export function accountsRoutes(deps: { sync: AccountSync; records: RecordsService; syncs: SyncService }, requireSecretKey: RequestHandler): Router {
  const router = Router({ caseSensitive: true });

  router.get("/records", requireSecretKey, async (req, res) => {
    const query = parseWith(RecordsQuerySchema, req.query, "query");
    const input = { connectionId: req.get("connection-id"), providerConfigKey: req.get("provider-config-key"), query };
    if (!SYNC_MODELS.includes(query.model)) {
      if (query.model !== AD_ACCOUNT_MODEL)
        throw new AppError(
          "invalid_query",
          `Invalid request query. model: unknown model "${query.model}" (this server syncs ${[AD_ACCOUNT_MODEL, ...SYNC_MODELS].join(", ")})`,
          400,
          {
            details: [{ path: "model", message: `must be one of ${[AD_ACCOUNT_MODEL, ...SYNC_MODELS].join(", ")}` }],
          },
        );
      res.set("cache-control", "no-store").json(await deps.records.list(input));
      return;
    }
    // The same header checks as the accounts' records (an AdAccount query with these headers).
    const connectionId = requireHeaders(input.connectionId, input.providerConfigKey);
    res.set("cache-control", "no-store").json(await deps.syncs.records(connectionId, query));
  });

  router.post("/connections/:connectionId/sync", requireSecretKey, async (req, res) => {
    const { provider_config_key } = parseWith(ProviderConfigKeyQuerySchema, req.query, "query");
    if (provider_config_key !== undefined && provider_config_key !== PROVIDER_CONFIG_KEY)
      throw new AppError("unknown_provider_config", `provider_config_key must be "${PROVIDER_CONFIG_KEY}"`);
    const connectionId = String(req.params.connectionId);
    res.json(toResponse(connectionId, await deps.sync.sync(connectionId)));
  });

  // Nango's trigger: the accounts sync runs now (synchronously); the campaign syncs are made due and run by the sync job.
  router.post("/sync/trigger", requireSecretKey, async (req, res) => {
    const body = parseWith(TriggerSyncBodySchema, req.body, "body");
    if (body.provider_config_key !== PROVIDER_CONFIG_KEY) throw new AppError("unknown_provider_config", `provider_config_key must be "${PROVIDER_CONFIG_KEY}"`);
    const names = body.syncs.map((s) => (typeof s === "string" ? s : s.name));
    const everything = names.length === 0;
    const others = names.filter((n) => n !== ACCOUNTS_SYNC_NAME);
    const reset = body.opts?.reset === true || body.full_resync === true || (body.sync_mode !== undefined && body.sync_mode !== "incremental");
    // Checked before anything runs: an unknown name changes nothing.
    const syncNames = everything || others.length > 0 ? deps.syncs.names(others) : [];
    let success = true;
    if (everything || names.includes(ACCOUNTS_SYNC_NAME)) success = toResponse(body.connection_id, await deps.sync.sync(body.connection_id)).success;
    if (syncNames.length > 0) await deps.syncs.trigger(body.connection_id, syncNames, reset);
    res.json({ success });
  });

  return router;
}

function requireHeaders(connectionId: string | undefined, providerConfigKey: string | undefined): string {
  if (!connectionId)
    throw new AppError("invalid_query", "The Connection-Id header is required", 400, { details: [{ path: "Connection-Id", message: "required header" }] });
  if (!providerConfigKey)
    throw new AppError("invalid_query", "The Provider-Config-Key header is required", 400, {
      details: [{ path: "Provider-Config-Key", message: "required header" }],
    });
  if (providerConfigKey !== PROVIDER_CONFIG_KEY) throw new AppError("unknown_provider_config", `Provider-Config-Key must be "${PROVIDER_CONFIG_KEY}"`);
  return connectionId;
}
