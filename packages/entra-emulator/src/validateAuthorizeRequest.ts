import { AADSTS, type AadstsMessage } from "./aadsts.js";
import type { AuthorizeRequest, RedirectTarget, ResponseMode } from "./authorizeTypes.js";
import { checkScopes, parseScopes } from "./checkScopes.js";
import type { EmulatorState } from "./EmulatorState.js";
import type { ResolvedTenant } from "./resolveTenant.js";

export type { AuthorizeRequest, RedirectTarget } from "./authorizeTypes.js";

export type AuthorizeValidation =
  | { kind: "ok"; request: AuthorizeRequest }
  /** Entra shows an error page instead of redirecting to a redirect URI it does not trust. */
  | { kind: "page"; aadsts: AadstsMessage }
  | { kind: "redirect"; target: RedirectTarget; error: string; aadsts: AadstsMessage };

const PROMPTS = ["login", "consent", "select_account", "none"];
const RESPONSE_MODES: readonly string[] = ["query", "fragment", "form_post"];

/**
 * The app and the redirect URI, checked before anything is sent back: Entra shows its own error
 * page (and redirects nowhere) when either is wrong. Shared by /authorize and /adminconsent.
 */
export function validateClientAndRedirect(
  tenant: ResolvedTenant,
  query: URLSearchParams,
  state: EmulatorState,
): { kind: "page"; aadsts: AadstsMessage } | { kind: "ok"; clientId: string; redirectUri: string } {
  const clientId = query.get("client_id");
  if (!clientId) return { kind: "page", aadsts: AADSTS.missingParameter("client_id") };
  const client = state.clients.get(clientId);
  if (!client) return { kind: "page", aadsts: AADSTS.clientNotFound(clientId, tenant.segment) };

  const redirectUri = query.get("redirect_uri");
  if (!redirectUri) return { kind: "page", aadsts: AADSTS.missingParameter("redirect_uri") };
  const registered = client.redirectUris ? client.redirectUris.includes(redirectUri) : /^https?:$/.test(safeProtocol(redirectUri));
  if (!registered) return { kind: "page", aadsts: AADSTS.redirectUriMismatch(redirectUri, clientId) };
  return { kind: "ok", clientId, redirectUri };
}

export function validateAuthorizeRequest(tenant: ResolvedTenant, query: URLSearchParams, state: EmulatorState): AuthorizeValidation {
  const app = validateClientAndRedirect(tenant, query, state);
  if (app.kind === "page") return app;
  const { clientId, redirectUri } = app;

  const mode = query.get("response_mode") ?? "query";
  const target: RedirectTarget = {
    redirectUri,
    responseMode: RESPONSE_MODES.includes(mode) ? (mode as ResponseMode) : "query",
    state: query.get("state"),
  };
  const fail = (error: string, aadsts: AadstsMessage): AuthorizeValidation => ({ kind: "redirect", target, error, aadsts });

  if (!RESPONSE_MODES.includes(mode)) return fail("invalid_request", AADSTS.unsupportedResponseMode(mode));
  const responseType = query.get("response_type");
  if (!responseType) return fail("invalid_request", AADSTS.missingParameter("response_type"));
  if (responseType !== "code") return fail("unsupported_response_type", AADSTS.responseTypeNotEnabled(responseType));

  const scopes = parseScopes(query.get("scope"));
  const scopeError = checkScopes(scopes);
  if (scopeError) return fail("invalid_scope", scopeError);

  const codeChallenge = query.get("code_challenge");
  const method = query.get("code_challenge_method") ?? "plain";
  if (method !== "S256" && method !== "plain") return fail("invalid_request", AADSTS.unsupportedCodeChallengeMethod(method));
  if (codeChallenge !== null && !/^[A-Za-z0-9._~-]{43,128}$/.test(codeChallenge)) return fail("invalid_request", AADSTS.codeChallengeSize());

  const prompt = query.get("prompt");
  if (prompt !== null && !PROMPTS.includes(prompt)) return fail("invalid_request", AADSTS.unsupportedPrompt(prompt));

  return {
    kind: "ok",
    request: {
      ...target,
      tenant,
      clientId,
      scopes,
      nonce: query.get("nonce"),
      codeChallenge,
      codeChallengeMethod: method,
      prompt,
      loginHint: query.get("login_hint"),
      uiLocale: firstLocale(query.get("ui_locales")),
    },
  };
}

function safeProtocol(uri: string): string {
  try {
    return new URL(uri).protocol;
  } catch {
    return "";
  }
}

/** Entra takes a space-separated list of language tags and shows the first it supports; here, the first well-formed one. */
function firstLocale(uiLocales: string | null): string | null {
  return (uiLocales ?? "").split(/\s+/).find((tag) => /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag)) ?? null;
}
