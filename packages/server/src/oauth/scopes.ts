import { AppError } from "../errors.js";

export const ADS_SCOPES = {
  production: "https://ads.microsoft.com/msads.manage",
  sandbox: "https://si.ads.microsoft.com/msads.manage",
} as const;

const OIDC_SCOPES = ["openid", "profile", "email", "offline_access"];

/**
 * The scope string sent to Entra: the Microsoft Advertising scope (or the session's `user_scopes`)
 * plus the OpenID scopes; `offline_access` is always there so a refresh token comes back.
 * Combinations Entra would reject are refused here, before anyone is redirected.
 */
export function buildScope(environment: keyof typeof ADS_SCOPES, userScopes: string | undefined): string {
  const requested = (userScopes ?? "").split(/[\s,]+/).filter(Boolean);
  const resourceScopes = requested.filter((s) => !OIDC_SCOPES.includes(s));
  if (resourceScopes.some((s) => s.endsWith("/.default") || s === ".default") && resourceScopes.length > 1) {
    throw new AppError(
      "invalid_scope",
      "user_scopes: .default scope can't be combined with resource-specific scopes (Entra error AADSTS70011)",
    );
  }
  const resources = new Set(resourceScopes.filter((s) => s.includes("/")).map(resourceOf));
  if (resources.size > 1) {
    throw new AppError("invalid_scope", "user_scopes: scopes of more than one resource can't be requested together (Entra error AADSTS28000)");
  }
  const scopes = resourceScopes.length > 0 ? resourceScopes : [ADS_SCOPES[environment]];
  return [...new Set([...scopes, ...OIDC_SCOPES])].join(" ");
}

function resourceOf(scope: string): string {
  const cut = scope.lastIndexOf("/");
  return scope.slice(0, cut);
}
