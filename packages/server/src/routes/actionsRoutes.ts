import { TriggerActionBodySchema } from "@ads-connect/shared";
import { type RequestHandler, Router } from "express";
import type { ActionService } from "../actions/actionService.js";
import { AppError } from "../errors.js";
import { parseWith } from "../http/parseWith.js";

/** Actions in Nango's shape (secret key): `POST /action/trigger` runs one, `GET /actions` lists them. */
export function actionsRoutes(actions: ActionService, requireSecretKey: RequestHandler): Router {
  const router = Router({ caseSensitive: true });

  router.get("/actions", requireSecretKey, (_req, res) => {
    res.set("cache-control", "no-store").json(actions.list());
  });

  router.post("/action/trigger", requireSecretKey, async (req, res) => {
    const body = parseWith(TriggerActionBodySchema, req.body, "body");
    if (req.get("x-async") === "true")
      throw new AppError("invalid_body", "Asynchronous actions (X-Async) are not supported: call without it; the answer is the action's output", 400);
    const output = await actions.trigger({
      connectionId: req.get("connection-id"),
      providerConfigKey: req.get("provider-config-key"),
      actionName: body.action_name,
      input: body.input,
    });
    res.set("cache-control", "no-store").json(output);
  });

  return router;
}
