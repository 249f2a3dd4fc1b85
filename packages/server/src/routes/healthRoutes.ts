import { Router } from "express";
import type { HealthService } from "../http/healthService.js";
import { DATABASE_RETRY_AFTER_SECONDS } from "../store/databaseErrors.js";

/** Probes for load balancers and orchestrators (no key: they reveal nothing). */
export function healthRoutes(health: HealthService): Router {
  const router = Router({ caseSensitive: true });
  // The process is up and answering (liveness); says nothing about the database.
  router.get("/health", (_req, res) => {
    res.json({ ok: true });
  });
  router.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });
  // Send traffic here? Database reachable and migrations current; 503 otherwise.
  router.get("/readyz", async (_req, res) => {
    const readiness = await health.readiness();
    res.set("cache-control", "no-store");
    if (!readiness.ready) res.status(503).set("retry-after", String(DATABASE_RETRY_AFTER_SECONDS));
    res.json(readiness);
  });
  return router;
}
