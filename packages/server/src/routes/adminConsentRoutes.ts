import { parse as parseCookie } from "cookie";
import { type Request, type Response, Router } from "express";
import { z } from "zod";
import { ADMIN_CONSENT_COOKIE, type AdminConsentOutcome, type AdminConsentService } from "../admin/adminConsentService.js";
import { renderHtmlPage } from "../connect/pages/htmlPage.js";
import { negotiateLocale } from "../connect/pages/strings/negotiate.js";
import { fill, formatDate, type PageCatalogues } from "../connect/pages/strings/pageStrings.js";
import { parseWith } from "../http/parseWith.js";
import { ADMIN_CONSENT_CALLBACK_PATH } from "../oauth/redirectUris.js";

const StartQuerySchema = z.object({ request: z.string().max(200).optional() });
const CallbackQuerySchema = z.record(z.string(), z.string().max(20_000));

/** The administrator's pages: the approval link (→ Microsoft) and Microsoft's answer (`basePath`: PUBLIC_URL's path prefix). */
export function adminConsentRoutes(adminConsent: AdminConsentService, pageStrings: PageCatalogues, secureCookies: boolean, basePath = ""): Router {
  const router = Router({ caseSensitive: true });
  const cookiePath = `${basePath}${ADMIN_CONSENT_CALLBACK_PATH}`;

  const respond = (req: Request, res: Response, outcome: AdminConsentOutcome) => {
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
    // The administrator is not the person who connects: their browser's language decides.
    const t = pageStrings[negotiateLocale(req.get("accept-language"))];
    const page = {
      heading: t[outcome.heading],
      paragraphs: outcome.paragraphs.map((p) => fill(t[p.key], { ...p.values, ...(p.date === undefined ? {} : { date: formatDate(t, p.date) }) }, t)),
      lang: t.lang,
      dir: t.dir,
      data: { "admin-consent": outcome.result },
      ...(outcome.code ? { code: outcome.code } : {}),
    };
    res
      .status(outcome.status)
      .type("html")
      .send(renderHtmlPage(page, res.locals.cspNonce as string));
  };

  router.get("/oauth/admin-consent", async (req, res) => {
    respond(req, res, await adminConsent.start(parseWith(StartQuerySchema, req.query, "query").request));
  });

  router.get(ADMIN_CONSENT_CALLBACK_PATH, async (req, res) => {
    const query = new URLSearchParams(parseWith(CallbackQuerySchema, req.query, "query"));
    const outcome = await adminConsent.callback(query, parseCookie(req.get("cookie") ?? "")[ADMIN_CONSENT_COOKIE]);
    if (outcome.kind === "page" && outcome.result !== "invalid") res.clearCookie(ADMIN_CONSENT_COOKIE, { path: cookiePath });
    respond(req, res, outcome);
  });

  return router;
}
