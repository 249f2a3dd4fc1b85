import { type Response, Router } from "express";
import { AADSTS } from "./aadsts.js";
import type { EmulatorState } from "./EmulatorState.js";
import { errorPage, escapeHtml, htmlPage } from "./htmlPage.js";
import { CANCEL_USERNAME } from "./loginPage.js";
import { randomToken } from "./randomToken.js";
import { formBody, queryParams } from "./requestParams.js";
import { requireTenant } from "./requireTenant.js";
import { resolveTenant } from "./resolveTenant.js";
import { sendToClient } from "./sendToClient.js";
import { TENANT_DIRECTORY } from "./tenantIds.js";
import { TEST_USERS } from "./testUsers.js";
import { validateClientAndRedirect } from "./validateAuthorizeRequest.js";

/**
 * GET /{tenant}/v2.0/adminconsent and its form POST: an administrator approves the app for their
 * whole organization. Answers like Entra: `admin_consent=True&tenant=<id>&scope=…&state=…`, or
 * `error=…&error_description=…&state=…` when the administrator cancels.
 */
export function adminConsentRoutes(state: EmulatorState): Router {
  const router = Router();
  const noStore = (res: Response) => res.set("Cache-Control", "no-store");

  router.get("/:tenant/v2.0/adminconsent", (req, res) => {
    noStore(res);
    const tenant = requireTenant(req, res);
    if (!tenant) return;
    const query = queryParams(req);
    const app = validateClientAndRedirect(tenant, query, state);
    if (app.kind === "page") {
      res.status(400).type("html").send(errorPage(app.aadsts));
      return;
    }
    const scope = query.get("scope")?.trim();
    if (!scope) {
      res
        .status(400)
        .type("html")
        .send(errorPage(AADSTS.missingParameter("scope")));
      return;
    }
    if (tenant.kind === "consumers") {
      res.status(400).type("html").send(errorPage(AADSTS.adminConsentPersonal()));
      return;
    }
    const interactionId = randomToken("", 24);
    const target = { redirectUri: app.redirectUri, responseMode: "query" as const, state: query.get("state") };
    state.remember(state.adminConsentInteractions, interactionId, { target, clientId: app.clientId, scope }, state.lifetimes.interaction);
    const admins = tenant.users().filter((u) => u.admin);
    const buttons = admins
      .map(
        (u) => `<button type="submit" class="user" name="username" value="${escapeHtml(u.username)}" data-testid="admin-${escapeHtml(u.username)}">
<span class="name">Accept as ${escapeHtml(u.displayName)}</span>
<div class="username">${escapeHtml(u.username)} · administrator of ${escapeHtml(TENANT_DIRECTORY[u.tenantId]?.name ?? u.tenantId)}</div></button>`,
      )
      .join("\n");
    state.log(`adminconsent: page for ${app.clientId} via ${tenant.segment}`);
    res
      .status(200)
      .type("html")
      .send(
        htmlPage(
          "Permissions requested — Entra emulator",
          `<h1>Permissions requested for your organization</h1>
<p class="note">This is a local emulator of Microsoft Entra ID for development and tests. It is not Microsoft.</p>
<p class="meta">App: ${escapeHtml(app.clientId)}<br>Tenant: ${escapeHtml(tenant.segment)}<br>Permissions: ${escapeHtml(scope)}</p>
<p>Accepting approves these permissions for everyone in your organization.</p>
<form method="post" action="/${encodeURIComponent(tenant.segment)}/v2.0/adminconsent">
<input type="hidden" name="interaction" value="${escapeHtml(interactionId)}">
${buttons || "<p>No administrator can sign in through this tenant.</p>"}
<button type="submit" class="cancel" name="username" value="${CANCEL_USERNAME}" data-testid="cancel">Cancel</button>
</form>`,
        ),
      );
  });

  router.post("/:tenant/v2.0/adminconsent", (req, res) => {
    noStore(res);
    const form = formBody(req);
    const interactionId = form.get("interaction") ?? "";
    const interaction = state.adminConsentInteractions.get(interactionId);
    if (!interaction || interaction.expiresAt <= Date.now()) {
      res.status(400).type("html").send(errorPage(AADSTS.interactionExpired()));
      return;
    }
    state.adminConsentInteractions.delete(interactionId);
    const username = form.get("username");
    if (username === CANCEL_USERNAME) {
      state.log(`adminconsent: cancelled for ${interaction.clientId}`);
      sendToClient(res, interaction.target, { error: "access_denied", error_description: "The admin canceled the request" });
      return;
    }
    const tenant = resolveTenant(String(req.params.tenant));
    const admin = TEST_USERS.find((u) => u.admin && u.username.toLowerCase() === username?.toLowerCase());
    if (!admin || !tenant?.admits(admin)) {
      res
        .status(400)
        .type("html")
        .send(errorPage(AADSTS.userNotFound(String(req.params.tenant))));
      return;
    }
    state.adminConsentedTenants.add(admin.tenantId);
    state.log(`adminconsent: ${admin.username} approved ${interaction.clientId} for tenant ${admin.tenantId}`);
    sendToClient(res, interaction.target, { admin_consent: "True", tenant: admin.tenantId, scope: interaction.scope });
  });

  return router;
}
