import { CONNECT_ERROR, PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import { parse as parseCookie } from "cookie";
import { Router, type Response } from "express";
import { z } from "zod";
import { AppError } from "../errors.js";
import { parseWith } from "../http/parseWith.js";
import { SIGN_IN_CALLBACK_PATH } from "../oauth/redirectUris.js";
import { renderResultPage } from "../oauth/resultPage.js";
import type { ConnectFlowService } from "../services/connectFlowService.js";

const StartQuerySchema = z.object({
  connect_session_token: z.string().max(200).optional(),
  origin: z.string().max(500).optional(),
  flow: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "flow must be 8-64 letters, digits, - or _").optional(),
});
const CallbackQuerySchema = z.record(z.string(), z.string().max(20_000));

/**
 * Browser-facing pages of the popup: start (→ Microsoft) and callback (→ result page). `basePath`
 * is PUBLIC_URL's path prefix: the browser sees the callback under it, so the cookie path has it.
 */
export function oauthRoutes(flow: ConnectFlowService, secureCookies: boolean, basePath = ""): Router {
  const router = Router();

  const page = (res: Response, status: number, html: string) =>
    res.status(status).set("cache-control", "no-store").type("html").send(html);

  router.get("/oauth/connect/:integration", async (req, res) => {
    if (req.params.integration !== PROVIDER_CONFIG_KEY) {
      throw new AppError("unknown_provider_config", `Unknown integration "${req.params.integration}"`, 404);
    }
    const query = parseWith(StartQuerySchema, req.query, "query");
    const outcome = await flow.start(query.connect_session_token, query.origin, query.flow);
    if (outcome.kind === "error") {
      page(res, outcome.status, renderResultPage(outcome.result, outcome.origin, res.locals.cspNonce as string));
      return;
    }
    res.cookie(outcome.cookie.name, outcome.cookie.value, {
      httpOnly: true,
      secure: secureCookies,
      sameSite: "lax",
      path: `${basePath}${SIGN_IN_CALLBACK_PATH}`,
      maxAge: outcome.cookie.maxAgeSeconds * 1000,
    });
    res.set("cache-control", "no-store").redirect(302, outcome.url);
  });

  router.get(SIGN_IN_CALLBACK_PATH, async (req, res) => {
    const query = new URLSearchParams(parseWith(CallbackQuerySchema, req.query, "query"));
    const outcome = await flow.callback(query, parseCookie(req.get("cookie") ?? ""));
    // Our code and Microsoft's number, never its description (AADSTS50020's names the account).
    const result = outcome.result;
    if (result.type === CONNECT_ERROR) req.log.warn({ code: result.error.code, aadsts: result.error.aadsts, actor: result.error.actor }, "connect failed");
    else req.log.info({ connectionId: result.connection_id, operation: result.operation }, "connected");
    page(res, outcome.status, renderResultPage(outcome.result, outcome.origin, res.locals.cspNonce as string));
  });

  return router;
}
