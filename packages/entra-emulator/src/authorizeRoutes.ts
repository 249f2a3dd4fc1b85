import { type Response, Router } from "express";
import { AADSTS } from "./aadsts.js";
import { authError, completeSignIn } from "./completeSignIn.js";
import type { EmulatorState } from "./EmulatorState.js";
import { errorPage } from "./htmlPage.js";
import { CANCEL_USERNAME, loginPage } from "./loginPage.js";
import { randomToken } from "./randomToken.js";
import { formBody, queryParams } from "./requestParams.js";
import { requireTenant } from "./requireTenant.js";
import { sendToClient } from "./sendToClient.js";
import { TEST_USERS } from "./testUsers.js";
import { validateAuthorizeRequest } from "./validateAuthorizeRequest.js";

const findUser = (username: string | null | undefined) => TEST_USERS.find((u) => u.username.toLowerCase() === username?.toLowerCase());

/** GET /{tenant}/oauth2/v2.0/authorize (login page) and the login page's form POST. */
export function authorizeRoutes(state: EmulatorState): Router {
  const router = Router();
  const pageHeaders = (res: Response) => {
    res.set("Cache-Control", "no-store");
    if (state.loginPageCoop) res.set("Cross-Origin-Opener-Policy", "same-origin");
  };

  router.get("/:tenant/oauth2/v2.0/authorize", (req, res) => {
    const query = queryParams(req);
    state.stats.authorizeRequests++;
    state.lastAuthorizeRequest = query;
    pageHeaders(res);
    const tenant = requireTenant(req, res);
    if (!tenant) return;
    const validation = validateAuthorizeRequest(tenant, query, state);
    if (validation.kind === "page") {
      state.log(`authorize: error page AADSTS${validation.aadsts.code}`);
      res.status(400).type("html").send(errorPage(validation.aadsts));
      return;
    }
    if (validation.kind === "redirect") {
      state.log(`authorize: ${validation.error} AADSTS${validation.aadsts.code}`);
      sendToClient(res, validation.target, authError(validation.error, validation.aadsts));
      return;
    }
    const request = validation.request;
    if (request.prompt === "none") {
      // No session cookies here: a silent sign-in succeeds only for a hinted, fitting, ordinary user.
      const user = findUser(request.loginHint);
      const silent = user && user.behavior === "normal" && tenant.admits(user);
      sendToClient(res, request, silent ? completeSignIn(state, request, user) : authError("login_required", AADSTS.loginRequired()));
      return;
    }
    const interactionId = randomToken("", 24);
    state.remember(state.interactions, interactionId, { request }, state.lifetimes.interaction);
    state.log(`authorize: login page for ${request.clientId} via ${tenant.segment}`);
    res
      .status(200)
      .type("html")
      .send(loginPage(interactionId, request, tenant.users()));
  });

  router.post("/:tenant/oauth2/v2.0/authorize/login", (req, res) => {
    pageHeaders(res);
    const form = formBody(req);
    const interactionId = form.get("interaction") ?? "";
    const interaction = state.interactions.get(interactionId);
    if (!interaction || interaction.expiresAt <= Date.now()) {
      res.status(400).type("html").send(errorPage(AADSTS.interactionExpired()));
      return;
    }
    const { request } = interaction;
    const username = form.get("username");
    if (username === CANCEL_USERNAME) {
      state.interactions.delete(interactionId);
      sendToClient(res, request, authError("access_denied", AADSTS.userDeclinedConsent(), { error_subcode: "cancel" }));
      return;
    }
    const user = findUser(username);
    if (!user) {
      res
        .status(400)
        .type("html")
        .send(errorPage(AADSTS.userNotFound(request.tenant.segment)));
      return;
    }
    state.interactions.delete(interactionId);
    if (!request.tenant.admits(user)) {
      sendToClient(res, request, authError("access_denied", AADSTS.userNotInTenant(user.username, request.tenant.segment, request.clientId)));
      return;
    }
    sendToClient(res, request, completeSignIn(state, request, user));
  });

  return router;
}
