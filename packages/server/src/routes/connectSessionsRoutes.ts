import { CreateChangeAccountsSessionBodySchema, CreateConnectSessionBodySchema, CreateReconnectSessionBodySchema } from "@ads-connect/shared";
import cors from "cors";
import { type RequestHandler, Router } from "express";
import type { ConnectSessionService } from "../connect/connectSessionService.js";
import { AppError } from "../errors.js";
import { bearerToken } from "../http/bearerToken.js";
import { parseWith } from "../http/parseWith.js";

/** Product backend creates sessions (secret key); the widget polls one (its session token). */
export function connectSessionsRoutes(sessions: ConnectSessionService, requireSecretKey: RequestHandler, allowedOrigins: string[]): Router {
  const router = Router({ caseSensitive: true });

  router.post("/connect/sessions", requireSecretKey, async (req, res) => {
    res.status(201).json(await sessions.create(parseWith(CreateConnectSessionBodySchema, req.body, "body")));
  });

  router.post("/connect/sessions/reconnect", requireSecretKey, async (req, res) => {
    res.status(201).json(await sessions.createReconnect(parseWith(CreateReconnectSessionBodySchema, req.body, "body")));
  });

  router.post("/connect/sessions/change-accounts", requireSecretKey, async (req, res) => {
    res.status(201).json(await sessions.createChangeAccounts(parseWith(CreateChangeAccountsSessionBodySchema, req.body, "body")));
  });

  const widgetCors = cors({ origin: allowedOrigins, methods: ["GET"], allowedHeaders: ["authorization"], maxAge: 600 });
  router.options("/connect/session/status", widgetCors);
  router.get("/connect/session/status", widgetCors, async (req, res) => {
    const token = bearerToken(req);
    if (!token) throw new AppError("connect_session_invalid", "Missing Authorization: Bearer <connect session token> header", 401);
    res.set("cache-control", "no-store").json(await sessions.status(token));
  });

  return router;
}
