import { parse as parseCookie } from "cookie";
import { type Response, Router } from "express";
import { z } from "zod";
import { ADMIN_CONSENT_COOKIE, type AdminConsentOutcome, type AdminConsentService } from "../admin/adminConsentService.js";
import { renderHtmlPage } from "../connect/pages/htmlPage.js";
import { parseWith } from "../http/parseWith.js";
import { ADMIN_CONSENT_CALLBACK_PATH } from "../oauth/redirectUris.js";

const StartQuerySchema = z.object({ request: z.string().max(200).optional() });
const CallbackQuerySchema = z.record(z.string(), z.string().max(20_000));

/** The administrator's pages: the approval link (→ Microsoft) and Microsoft's answer (`basePath`: PUBLIC_URL's path prefix). */
export function adminConsentRoutes(adminConsent: AdminConsentService, secureCookies: boolean, basePath = ""): Router {
  const router = Router({ caseSensitive: true });
  const cookiePath = `${basePath}${ADMIN_CONSENT_CALLBACK_PATH}`;

  const respond = (res: Response, outcome: AdminConsentOutcome) => {
    res.set("cache-control", "no-store");
    if (outcome.kind === "redirect") {
      res.cookie(ADMIN_CONSENT_COOKIE, outcome.binding, {
        httpOnly: true,
        secure: secureCookies,
        sameSite: "lax",
        path: cookiePath,
        maxAge: outcome.maxAgeSeconds * 1000,
      });
      res.redirect(302, outcome.url);
      return;
    }
    const page = {
      heading: outcome.heading,
      paragraphs: outcome.paragraphs,
      data: { "admin-consent": outcome.result },
      ...(outcome.code ? { code: outcome.code } : {}),
    };
    res
      .status(outcome.status)
      .type("html")
      .send(renderHtmlPage(page, res.locals.cspNonce as string));
  };

  router.get("/oauth/admin-consent", async (req, res) => {
    respond(res, await adminConsent.start(parseWith(StartQuerySchema, req.query, "query").request));
  });

  router.get(ADMIN_CONSENT_CALLBACK_PATH, async (req, res) => {
    const query = new URLSearchParams(parseWith(CallbackQuerySchema, req.query, "query"));
    const outcome = await adminConsent.callback(query, parseCookie(req.get("cookie") ?? "")[ADMIN_CONSENT_COOKIE]);
    if (outcome.kind === "page" && outcome.result !== "invalid") res.clearCookie(ADMIN_CONSENT_COOKIE, { path: cookiePath });
    respond(res, outcome);
  });

  return router;
}
