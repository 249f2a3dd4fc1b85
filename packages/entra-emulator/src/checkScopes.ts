import { AADSTS, type AadstsMessage } from "./aadsts.js";

export const OIDC_SCOPES: readonly string[] = ["openid", "profile", "email", "offline_access"];
const GRAPH = "https://graph.microsoft.com";

export function parseScopes(scope: string | null | undefined): string[] {
  return [...new Set((scope ?? "").split(/\s+/).filter(Boolean))];
}

/** The resource a scope belongs to; bare names like `User.Read` are Microsoft Graph's, as at Entra. */
export function resourceOf(scope: string): string {
  const cut = scope.lastIndexOf("/");
  return cut > 0 ? scope.slice(0, cut) : GRAPH;
}

export function resourceScopes(scopes: readonly string[]): string[] {
  return scopes.filter((s) => !OIDC_SCOPES.includes(s));
}

/** The error Entra gives for a scope combination it rejects at /authorize, or null. */
export function checkScopes(scopes: readonly string[]): AadstsMessage | null {
  const resource = resourceScopes(scopes);
  const isDefault = (s: string) => s === ".default" || s.endsWith("/.default");
  if (resource.some(isDefault) && resource.length > 1) return AADSTS.defaultScopeCombined(scopes.join(" "));
  if (new Set(resource.map(resourceOf)).size > 1) return AADSTS.moreThanOneResource();
  return null;
}

/** Resource scopes first, then the OpenID ones: how the token response lists them. */
export function orderScopes(scopes: readonly string[]): string[] {
  return [...resourceScopes(scopes), ...scopes.filter((s) => OIDC_SCOPES.includes(s))];
}
