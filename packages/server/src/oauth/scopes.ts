import { AppError } from "../errors.js";

export const ADS_SCOPES = {
  production: "https://ads.microsoft.com/msads.manage",
  sandbox: "https://si.ads.microsoft.com/msads.manage",
} as const;

const OIDC_SCOPES = ["openid", "profile", "email", "offline_access"];
const PARAM = "integrations_config_defaults.microsoft-ads.user_scopes";

const refuse = (message: string) => new AppError("invalid_scope", `${PARAM}: ${message}`, 400, { details: [{ path: PARAM, message }] });

/**
 * The scope string sent to Entra: the Microsoft Advertising scope (or the session's `user_scopes`)
 * plus the OpenID scopes; `offline_access` is always there so a refresh token comes back.
 * Combinations Entra would reject are refused here, in Entra's words, before anyone is redirected.
 */
export function buildScope(environment: keyof typeof ADS_SCOPES, userScopes: string | undefined): string {
  const requested = (userScopes ?? "").split(/[\s,]+/).filter(Boolean);
  const resourceScopes = requested.filter((s) => !OIDC_SCOPES.includes(s));
  const ads = ADS_SCOPES[environment];
  const adsResource = resourceOf(ads);
  if (resourceScopes.some((s) => s.endsWith("/.default") || s === ".default") && resourceScopes.length > 1) {
    throw refuse(
      `.default scope can't be combined with resource-specific scopes (Entra would answer AADSTS70011: The provided value for the input parameter 'scope' isn't valid)`,
    );
  }
  const resources = new Set(resourceScopes.map(resourceOf));
  if (resources.size > 1) {
    throw refuse(
      `the scopes name more than one resource (${[...resources].join(", ")}); Entra would answer AADSTS28000: Provided value for the input parameter scope isn't valid because it contains more than one resource`,
    );
  }
  if (resourceScopes.length > 0 && !resourceScopes.includes(ads) && !resourceScopes.includes(`${adsResource}/.default`)) {
    throw refuse(`must include the Microsoft Advertising scope ${ads} (or ${adsResource}/.default)`);
  }
  const scopes = resourceScopes.length > 0 ? resourceScopes : [ads];
  return [...new Set([...scopes, ...OIDC_SCOPES])].join(" ");
}

function resourceOf(scope: string): string {
  const cut = scope.lastIndexOf("/");
  return cut === -1 ? "" : scope.slice(0, cut);
}
