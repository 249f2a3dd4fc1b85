import {
  GetConnectionQuerySchema,
  ListConnectionsQuerySchema,
  PatchConnectionBodySchema,
  ProviderConfigKeyQuerySchema,
  type Connection,
  type ConnectionSummary,
} from "@ads-connect/shared";
import { Router, type RequestHandler } from "express";
import { parseWith } from "../http/parseWith.js";
import type { ConnectionService } from "../connections/connectionService.js";

/** Built once: unknown query parameters are allowed on a token read (Nango clients send extras). */
const TokenReadQuerySchema = GetConnectionQuerySchema.loose();

/**
 * The token read (`GET /connections/:connectionId`) and the status read (`GET /connections`) from
 * the parsed query string: the routes below and the fast reads (http/fastReads.ts, ahead of
 * Express) both answer through these, so they validate and read alike.
 */
export function connectionReads(connections: ConnectionService) {
  return {
    token(connectionId: string, query: unknown): Promise<Connection> {
      const parsed = parseWith(TokenReadQuerySchema, query, "query");
      return connections.get(connectionId, {
        providerConfigKey: parsed.provider_config_key,
        forceRefresh: parsed.force_refresh,
        includeRefreshToken: parsed.refresh_token,
      });
    },
    status(query: unknown): Promise<{ connections: ConnectionSummary[] }> {
      return connections.list(parseWith(ListConnectionsQuerySchema, query, "query"));
    },
  };
}

export type ConnectionReads = ReturnType<typeof connectionReads>;

/** The token read's Cache-Control: it carries an access token. */
export const TOKEN_READ_CACHE_CONTROL = "no-store";

/** Nango-compatible connection API for product backends (secret key). */
export function connectionsRoutes(connections: ConnectionService, requireSecretKey: RequestHandler): Router {
  const reads = connectionReads(connections);
  const router = Router({ caseSensitive: true });
  router.use("/connections", requireSecretKey);

  router.get("/connections", async (req, res) => {
    res.json(await reads.status(req.query));
  });

  router.get("/connections/:connectionId", async (req, res) => {
    const connection = await reads.token(req.params.connectionId, req.query);
    res.set("cache-control", TOKEN_READ_CACHE_CONTROL).json(connection);
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
