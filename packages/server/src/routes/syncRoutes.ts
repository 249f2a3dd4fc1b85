import { SyncControlBodySchema, SyncStatusQuerySchema, UpdateSyncFrequencyBodySchema } from "@ads-connect/shared";
import { type RequestHandler, Router } from "express";
import { parseWith } from "../http/parseWith.js";
import { SyncService } from "../sync/syncService.js";

/** Nango's sync controls for the campaign syncs: start, pause, status, per-connection frequency (secret key). */
export function syncRoutes(syncs: SyncService, requireSecretKey: RequestHandler): Router {
  const router = Router({ caseSensitive: true });

  for (const [path, paused] of [
    ["/sync/start", false],
    ["/sync/pause", true],
  ] as const)
    router.post(path, requireSecretKey, async (req, res) => {
      const body = parseWith(SyncControlBodySchema, req.body, "body");
      SyncService.checkProviderConfigKey(body.provider_config_key);
      await syncs.setPaused(body.connection_id, syncs.names(body.syncs), paused);
      res.json({ success: true });
    });

  router.get("/sync/status", requireSecretKey, async (req, res) => {
    const query = parseWith(SyncStatusQuerySchema, req.query, "query");
    SyncService.checkProviderConfigKey(query.provider_config_key);
    // Nango writes a variant as "name::variant"; these syncs have the base variant only.
    const names = syncs.names(
      query.syncs
        .split(",")
        .map((n) => n.trim().split("::")[0]!)
        .filter(Boolean),
    );
    res.set("cache-control", "no-store").json({ syncs: await syncs.status(query.connection_id, names) });
  });

  router.put("/sync/update-connection-frequency", requireSecretKey, async (req, res) => {
    const body = parseWith(UpdateSyncFrequencyBodySchema, req.body, "body");
    SyncService.checkProviderConfigKey(body.provider_config_key);
    res.json({ frequency: await syncs.updateFrequency(body.connection_id, body.sync_name, body.frequency) });
  });

  return router;
}
