import { ListOperationsQuerySchema } from "@ads-connect/shared";
import { type RequestHandler, Router } from "express";
import { parseWith } from "../http/parseWith.js";
import type { OperationQueries } from "../oplog/operationQueries.js";

/** The operation log (secret key): `GET /logs/operations` (filtered, newest first, cursor-paged) and `GET /logs/operations/:id`. */
export function logsRoutes(queries: OperationQueries, requireSecretKey: RequestHandler): Router {
  const router = Router({ caseSensitive: true });
  router.get("/logs/operations", requireSecretKey, async (req, res) => {
    res.json(await queries.list(parseWith(ListOperationsQuerySchema, req.query, "query")));
  });
  router.get("/logs/operations/:id", requireSecretKey, async (req, res) => {
    res.json(await queries.get(req.params.id as string));
  });
  return router;
}
