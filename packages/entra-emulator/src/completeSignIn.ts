import { randomUUID } from "node:crypto";
import { AADSTS, type AadstsMessage, aadstsMessage } from "./aadsts.js";
import { resourceOf, resourceScopes } from "./checkScopes.js";
import type { EmulatorState } from "./EmulatorState.js";
import { randomToken } from "./randomToken.js";
import { TENANT_DIRECTORY } from "./tenantIds.js";
import type { TestUser } from "./testUsers.js";
import type { AuthorizeRequest } from "./validateAuthorizeRequest.js";
import { withTrace } from "./withTrace.js";

const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** The redirect parameters Entra sends once a user has picked an account, according to that user's behavior. */
export function completeSignIn(state: EmulatorState, request: AuthorizeRequest, user: TestUser): Record<string, string> {
  const injected = state.authorizeInjections.shift();
  const outcome = (() => {
    if (injected) return authError(injected.error, aadstsMessage(injected.aadsts, injected.description));
    switch (user.behavior) {
      case "declined_consent":
        return authError("access_denied", AADSTS.userDeclinedConsent(), { error_subcode: "cancel" });
      case "admin_consent_required":
        if (state.adminConsentedTenants.has(user.tenantId)) return null;
        return authError("access_denied", AADSTS.adminConsentRequired(request.clientId, TENANT_DIRECTORY[user.tenantId]?.name ?? user.tenantId));
      case "mfa_required": {
        const resource = resourceScopes(request.scopes)[0];
        return authError("interaction_required", AADSTS.mfaRequired(resource ? resourceOf(resource) : GRAPH_APP_ID), { suberror: "basic_action" });
      }
      default:
        return null;
    }
  })();
  if (outcome) {
    state.log(`sign-in: ${user.username} (${user.behavior}) → ${outcome.error}`);
    return outcome;
  }
  const code = randomToken("1.A", 64);
  state.remember(state.codes, code, { request, user, redeemed: false }, state.lifetimes.code);
  state.log(`sign-in: ${user.username} (${user.behavior}) → code issued to ${request.clientId}`);
  return { code, session_state: randomUUID() };
}

/** Error redirect parameters; the description carries Entra's trace lines. */
export function authError(error: string, aadsts: AadstsMessage, extra: Record<string, string> = {}): Record<string, string> {
  const { error_subcode, ...rest } = extra;
  return {
    error,
    ...(error_subcode ? { error_subcode } : {}),
    error_description: withTrace(aadsts.message).description,
    ...rest,
  };
}
