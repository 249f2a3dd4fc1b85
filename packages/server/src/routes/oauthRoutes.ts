import { randomBytes } from "node:crypto";
import { CONNECT_ERROR, type ConnectResult, PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import { parse as parseCookie } from "cookie";
import express, { type Request, type Response, Router } from "express";
import { z } from "zod";
import type { PickerOutcome } from "../connect/accountPickerService.js";
import { type BindingCookie, type ConnectFlowService, type ErrorOutcome, REDIRECT_COOKIE } from "../connect/connectFlowService.js";
import { renderAccountPickerPage } from "../connect/pages/accountPickerPage.js";
import { localizedResult, type ResultNotice, renderResultPage } from "../connect/pages/resultPage.js";
import { renderStartPage } from "../connect/pages/startPage.js";
import { resolveLocale } from "../connect/pages/strings/negotiate.js";
import type { PageCatalogues } from "../connect/pages/strings/pageStrings.js";
import { AppError } from "../errors.js";
import { parseWith } from "../http/parseWith.js";
import { ACCOUNT_PICKER_PATH, CONNECT_CONTINUE_PATH, CONNECT_REDIRECT_PATH, SIGN_IN_CALLBACK_PATH } from "../oauth/redirectUris.js";

const StartQuerySchema = z.object({
  connect_session_token: z.string().max(200).optional(),
  origin: z.string().max(500).optional(),
  flow: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, "flow must be 8-64 letters, digits, - or _")
    .optional(),
});
const CallbackQuerySchema = z.record(z.string(), z.string().max(20_000));
// Missing or odd fields are the service's business: it answers with a result page, not JSON.
// A picker form: its token and the ticked accounts (one value, several, or none).
const PickerBodySchema = z
  .object({
    picker: z.string().max(200).optional().catch(undefined),
    account_id: z
      .union([
        z
          .string()
          .max(64)
          .transform((id) => [id]),
        z.array(z.string().max(64)).max(10_000),
      ])
      .optional()
      .catch(undefined),
  })
  .catch({});
const RedirectBodySchema = z
  .object({
    connect_session_token: z.string().max(200).optional().catch(undefined),
    flow: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/)
      .optional()
      .catch(undefined),
    return_to: z.string().max(2000).optional().catch(undefined),
  })
  .catch({});
const ContinueBodySchema = z
  .object({ proof: z.string().max(200).optional().catch(undefined), decision: z.string().max(20).optional().catch(undefined) })
  .catch({});

/**
 * Browser-facing pages of the popup: start (→ handshake or confirmation → Microsoft) and callback
 * (→ result page). `basePath` is PUBLIC_URL's path prefix: the browser sees the pages under it, so
 * the cookie paths have it.
 */
export function oauthRoutes(
  flow: ConnectFlowService,
  options: { secureCookies: boolean; publicUrl: string; basePath: string; pageStrings: PageCatalogues },
): Router {
  const router = Router({ caseSensitive: true });
  const { secureCookies, basePath } = options;
  // The session's language when the product set one, else the browser's (Accept-Language).
  const strings = (req: Request, sessionLocale?: string | null) => options.pageStrings[resolveLocale(sessionLocale, req.get("accept-language"))];

  // Ties the next step to this browser: sent back only to that step's path (under the prefix).
  const setBindingCookie = (res: Response, cookie: BindingCookie, path: string) =>
    res.cookie(cookie.name, cookie.value, {
      httpOnly: true,
      secure: secureCookies,
      sameSite: "lax",
      path: `${basePath}${path}`,
      maxAge: cookie.maxAgeSeconds * 1000,
    });
  const page = (res: Response, status: number, html: string) => res.status(status).set("cache-control", "no-store").type("html").send(html);
  // The redirect-mode cookie reaches every page of the flow (start, Continue, callback, picker).
  const redirectCookiePath = `${basePath}/oauth/`;
  type Ending = { status: number; result: ConnectResult; origin: string | null; locale?: string | null; notice?: ResultNotice };

  // A result page in the session's (or the browser's) language, which posts the result to the widget.
  const plainResultPage = (req: Request, res: Response, outcome: Ending) => {
    const t = strings(req, outcome.locale);
    page(res, outcome.status, renderResultPage(localizedResult(outcome.result, t), outcome.origin, res.locals.cspNonce as string, t, outcome.notice));
  };

  // The flow's end: in redirect mode, back to the product page with a one-time result token;
  // in the popup, the result page. `mayReturn` false: a page that never returns (a popup's or a link's start).
  const resultPage = async (req: Request, res: Response, outcome: Ending, mayReturn = true) => {
    const back = mayReturn && (await flow.redirects.returnUrl(parseCookie(req.get("cookie") ?? "")[REDIRECT_COOKIE], outcome.result));
    if (back) {
      res.clearCookie(REDIRECT_COOKIE, { path: redirectCookiePath });
      res.set("cache-control", "no-store").redirect(303, back);
      return;
    }
    plainResultPage(req, res, outcome);
  };

  // A result page instead of going on; Microsoft being briefly unavailable says when to try again.
  const errorPage = async (req: Request, res: Response, outcome: ErrorOutcome, mayReturn = true) => {
    if (outcome.retryAfterSeconds !== undefined) res.set("retry-after", String(outcome.retryAfterSeconds));
    await resultPage(req, res, outcome, mayReturn);
  };

  // The account picker, or the result it led to (a notice to read first when there are no accounts).
  const pickerOrResult = async (req: Request, res: Response, outcome: PickerOutcome, mayReturn = true) => {
    const nonce = res.locals.cspNonce as string;
    const t = strings(req, outcome.locale);
    if (outcome.kind === "result") {
      await resultPage(req, res, outcome, mayReturn);
      return;
    }
    if (outcome.cookie) setBindingCookie(res, outcome.cookie, ACCOUNT_PICKER_PATH);
    page(res, outcome.status, renderAccountPickerPage({ ...outcome.page, strings: t, action: `${options.publicUrl}${ACCOUNT_PICKER_PATH}` }, nonce));
  };

  router.post(ACCOUNT_PICKER_PATH, express.urlencoded({ extended: false, limit: "512kb", parameterLimit: 10_010 }), async (req, res) => {
    const body = PickerBodySchema.parse(req.body ?? {});
    await pickerOrResult(req, res, await flow.chooseAccounts(body.picker, body.account_id ?? [], parseCookie(req.get("cookie") ?? "")));
  });

  // Redirect mode's start: a form POST from the product page (its Origin header names it).
  router.post(CONNECT_REDIRECT_PATH, express.urlencoded({ extended: false, limit: "8kb", parameterLimit: 10 }), async (req, res) => {
    const body = RedirectBodySchema.parse(req.body ?? {});
    const outcome = await flow.redirects.start({ token: body.connect_session_token, flow: body.flow, returnTo: body.return_to, origin: req.get("origin") });
    if (outcome.kind === "refused") {
      plainResultPage(req, res, { status: outcome.status, result: outcome.result, origin: null });
      return;
    }
    if (outcome.kind === "result") {
      // Over before Microsoft (an expired session…): straight back to the page with the result.
      const back = await flow.redirects.returnUrl(outcome.cookie.value, outcome.result);
      res.set("cache-control", "no-store").redirect(303, back!);
      return;
    }
    if (outcome.kind === "redirect") {
      const [attempt, redirect] = outcome.cookies;
      setBindingCookie(res, redirect!, "/oauth/");
      setBindingCookie(res, attempt!, SIGN_IN_CALLBACK_PATH);
      res.set("cache-control", "no-store").redirect(303, outcome.url);
      return;
    }
    setBindingCookie(res, outcome.cookie, "/oauth/");
    await pickerOrResult(req, res, outcome.outcome, false);
  });

  router.get("/oauth/connect/:integration", async (req, res) => {
    if (req.params.integration !== PROVIDER_CONFIG_KEY) {
      throw new AppError("unknown_provider_config", `Unknown integration "${req.params.integration}"`, 404);
    }
    const query = parseWith(StartQuerySchema, req.query, "query");
    // A popup (or a link) starts here: a redirect this browser left open is abandoned.
    if (req.get("cookie")?.includes(REDIRECT_COOKIE)) res.clearCookie(REDIRECT_COOKIE, { path: redirectCookiePath });
    const outcome = await flow.start(query.connect_session_token, query.origin, query.flow);
    if (outcome.kind === "error") {
      await errorPage(req, res, outcome, false);
      return;
    }
    if (outcome.kind === "picker" || outcome.kind === "result") {
      await pickerOrResult(req, res, outcome, false);
      return;
    }
    setBindingCookie(res, outcome.cookie, CONNECT_CONTINUE_PATH);
    const html = renderStartPage(
      {
        productName: outcome.productName,
        strings: strings(req, outcome.locale),
        endUser: outcome.endUser,
        // The origin rides along (unused by the route) so a refusal before the route, like the
        // rate limit's, can still post its result to the widget.
        action: `${options.publicUrl}${CONNECT_CONTINUE_PATH}${outcome.origin ? `?origin=${encodeURIComponent(outcome.origin)}` : ""}`,
        proof: outcome.proof,
        origin: outcome.origin,
        flow: outcome.flow,
        changeAccounts: outcome.changeAccounts,
        handshakeNonce: randomBytes(16).toString("base64url"),
      },
      res.locals.cspNonce as string,
    );
    page(res, 200, html);
  });

  router.post(CONNECT_CONTINUE_PATH, express.urlencoded({ extended: false, limit: "4kb", parameterLimit: 10 }), async (req, res) => {
    const body = ContinueBodySchema.parse(req.body ?? {});
    // The browser's language goes to Microsoft's sign-in (ui_locales) when the session names none.
    const browserLocale = resolveLocale(null, req.get("accept-language"));
    const outcome = await flow.proceed(body.proof, body.decision, parseCookie(req.get("cookie") ?? ""), browserLocale);
    if (outcome.kind === "error") {
      await errorPage(req, res, outcome);
      return;
    }
    res.clearCookie(outcome.startCookieName, { path: `${basePath}${CONNECT_CONTINUE_PATH}` });
    // A change-accounts session: the picker for its connection (or the result it led to), here.
    if (outcome.kind !== "redirect") {
      await pickerOrResult(req, res, outcome);
      return;
    }
    setBindingCookie(res, outcome.cookie, SIGN_IN_CALLBACK_PATH);
    res.set("cache-control", "no-store").redirect(303, outcome.url);
  });

  router.get(SIGN_IN_CALLBACK_PATH, async (req, res) => {
    const query = new URLSearchParams(parseWith(CallbackQuerySchema, req.query, "query"));
    const outcome = await flow.callback(query, parseCookie(req.get("cookie") ?? ""));
    // Our code and Microsoft's number, never its description (AADSTS50020's names the account).
    const result = outcome.result;
    if (result.type === CONNECT_ERROR) req.log.warn({ code: result.error.code, aadsts: result.error.aadsts, actor: result.error.actor }, "connect failed");
    else req.log.info({ connectionId: result.connection_id, operation: result.operation }, "connected");
    if (outcome.next) await pickerOrResult(req, res, outcome.next);
    else await resultPage(req, res, outcome);
  });

  return router;
}
