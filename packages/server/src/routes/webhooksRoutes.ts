import { WebhookDeliveriesQuerySchema } from "@ads-connect/shared";
import { type RequestHandler, Router } from "express";
import { parseWith } from "../http/parseWith.js";
import type { WebhookOutbox } from "../webhooks/webhookOutbox.js";

/** `GET /webhooks/deliveries`: every queued event and each attempt to deliver it (secret key). */
export function webhooksRoutes(outbox: WebhookOutbox, requireSecretKey: RequestHandler): Router {
  const router = Router({ caseSensitive: true });
  router.get("/webhooks/deliveries", requireSecretKey, async (req, res) => {
    const query = parseWith(WebhookDeliveriesQuerySchema, req.query, "query");
    res.json({ deliveries: await outbox.deliveries({ limit: query.limit ?? 50, connectionId: query.connectionId }) });
  });
  return router;
}
