import { PatchConnectionBodySchema, ProviderConfigKeyQuerySchema } from "@ads-connect/shared";
import { type RequestHandler, Router } from "express";
import type { ConnectionService } from "../connections/connectionService.js";
import { parseWith } from "../http/parseWith.js";

/**
 * Nango-compatible connection API for product backends (secret key): updates and deletes. The
 * reads (`GET /connections`, `GET /connections/:connectionId`) are routes of their own, mounted
 * ahead of the routers (routes/connectionReads.ts).
 */
export function connectionsRoutes(connections: ConnectionService, requireSecretKey: RequestHandler): Router {
  const router = Router({ caseSensitive: true });
  router.use("/connections", requireSecretKey);

  router.patch("/connections/:connectionId", async (req, res) => {
    const { provider_config_key } = parseWith(ProviderConfigKeyQuerySchema, req.query, "query");
    res.json(await connections.patch(req.params.connectionId, provider_config_key, parseWith(PatchConnectionBodySchema, req.body, "body")));
  });

  router.delete("/connections/:connectionId", async (req, res) => {
    const { provider_config_key } = parseWith(ProviderConfigKeyQuerySchema, req.query, "query");
    res.json(await connections.delete(req.params.connectionId, provider_config_key));
  });

  return router;
}
