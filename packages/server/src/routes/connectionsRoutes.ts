import {
  GetConnectionQuerySchema,
  ListConnectionsQuerySchema,
  PatchConnectionBodySchema,
  ProviderConfigKeyQuerySchema,
} from "@ads-connect/shared";
import { Router, type RequestHandler } from "express";
import { parseWith } from "../http/parseWith.js";
import type { ConnectionService } from "../services/connectionService.js";

/** Built once: unknown query parameters are allowed on a token read (Nango clients send extras). */
const TokenReadQuerySchema = GetConnectionQuerySchema.loose();

/** Nango-compatible connection API for product backends (secret key). */
export function connectionsRoutes(connections: ConnectionService, requireSecretKey: RequestHandler): Router {
  const router = Router();
  router.use("/connections", requireSecretKey);

  router.get("/connections", async (req, res) => {
    res.json(await connections.list(parseWith(ListConnectionsQuerySchema, req.query, "query")));
  });

  router.get("/connections/:connectionId", async (req, res) => {
    const query = parseWith(TokenReadQuerySchema, req.query, "query");
    const connection = await connections.get(req.params.connectionId, {
      providerConfigKey: query.provider_config_key,
      forceRefresh: query.force_refresh,
      includeRefreshToken: query.refresh_token,
    });
    res.set("cache-control", "no-store").json(connection);
  });

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
