import { PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import { type RequestHandler, Router } from "express";
import { AppError } from "../errors.js";
import type { IntegrationStatusService } from "../integration/integrationStatusService.js";

/** `GET /integrations/microsoft-ads/status` (secret key). */
export function integrationsRoutes(status: IntegrationStatusService, requireSecretKey: RequestHandler): Router {
  const router = Router({ caseSensitive: true });
  router.get("/integrations/:integration/status", requireSecretKey, async (req, res) => {
    if (req.params.integration !== PROVIDER_CONFIG_KEY) {
      throw new AppError("unknown_provider_config", `Unknown integration "${req.params.integration}"; this server offers "${PROVIDER_CONFIG_KEY}"`, 404);
    }
    res.set("cache-control", "no-store").json({ data: await status.status() });
  });
  return router;
}
