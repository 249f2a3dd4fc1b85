import { escapeHtml, htmlPage } from "./htmlPage.js";
import type { TestUser } from "./testUsers.js";
import type { AuthorizeRequest } from "./validateAuthorizeRequest.js";

export const CANCEL_USERNAME = "__cancel";

/** The account picker: one submit button per test user who may sign in through this tenant path. */
export function loginPage(interactionId: string, request: AuthorizeRequest, users: readonly TestUser[]): string {
  const hint = request.loginHint?.toLowerCase();
  const buttons = users
    .map((user) => {
      const suggested = hint === user.username.toLowerCase();
      return `<button type="submit" class="user${suggested ? " suggested" : ""}" name="username" value="${escapeHtml(user.username)}" data-testid="user-${escapeHtml(user.username)}"${suggested ? " autofocus" : ""}>
<span class="name">${escapeHtml(user.displayName)}</span>${suggested ? '<span class="tag">suggested</span>' : ""}
<div class="username">${escapeHtml(user.username)} · ${user.accountType === "work" ? "work account" : "personal account"}</div>
<div class="desc">${escapeHtml(user.description)}</div></button>`;
    })
    .join("\n");
  const action = `/${encodeURIComponent(request.tenant.segment)}/oauth2/v2.0/authorize/login`;
  return htmlPage(
    "Sign in — Entra emulator",
    `<h1>Sign in to the local Entra emulator</h1>
<p class="note">This is a local emulator of Microsoft Entra ID for development and tests. It is not Microsoft; no real account is used.</p>
<p class="meta" data-ui-locale="${escapeHtml(request.uiLocale ?? "")}">App: ${escapeHtml(request.clientId)}<br>Tenant: ${escapeHtml(request.tenant.segment)}<br>Scopes: ${escapeHtml(request.scopes.join(" ") || "(none)")}<br>Language (ui_locales): ${escapeHtml(request.uiLocale ?? "(browser default)")}</p>
<p>Pick an account:</p>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="interaction" value="${escapeHtml(interactionId)}">
${buttons || "<p>No test user can sign in through this tenant.</p>"}
<button type="submit" class="cancel" name="username" value="${CANCEL_USERNAME}" data-testid="cancel">Cancel</button>
</form>`,
  );
}
