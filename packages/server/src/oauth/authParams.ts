import { type CreateConnectSessionBody, PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import type { Config } from "../config.js";
import { AppError } from "../errors.js";
import { TENANT } from "../tenant.js";
import { buildScope } from "./scopes.js";

export interface EffectiveAuthParams {
  scope: string;
  tenant: string;
  authorizationParams: Record<string, string>;
}

const PROMPTS = ["login", "consent", "select_account", "none"];
const HINT = /^[^\s\p{Cc}]{1,256}$/u;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
const BASE = `integrations_config_defaults.${PROVIDER_CONFIG_KEY}`;

const invalid = (param: string, message: string) => {
  const path = `${BASE}.${param}`;
  return new AppError("invalid_body", `${path}: ${message}`, 400, { details: [{ path, message }] });
};

/** A Map, not an object: a key such as `hasOwnProperty` or `constructor` must not find a check. */
const CHECKS = new Map<string, (value: string) => string | null>([
  ["prompt", (v) => (PROMPTS.includes(v) ? null : `must be one of ${PROMPTS.join(", ")}`)],
  ["login_hint", (v) => (HINT.test(v) ? null : "must be a sign-in name such as ada@contoso.com (no spaces, at most 256 characters)")],
  [
    "domain_hint",
    (v) => (DOMAIN.test(v) || v === "consumers" || v === "organizations" ? null : "must be a domain such as contoso.com, or consumers / organizations"),
  ],
]);

/**
 * Checks a session's `integrations_config_defaults` (so the product backend learns of a mistake
 * when it creates the session, not when a user clicks) and merges them over the server's
 * defaults: the session's values win key by key; `offline_access openid profile email` are added.
 */
export function effectiveAuthParams(config: Config, all: CreateConnectSessionBody["integrations_config_defaults"]): EffectiveAuthParams {
  const unknown = Object.keys(all ?? {}).filter((k) => k !== PROVIDER_CONFIG_KEY);
  if (unknown.length > 0) {
    throw new AppError(
      "unknown_provider_config",
      `integrations_config_defaults: unknown integration "${unknown[0]}" (this server offers "${PROVIDER_CONFIG_KEY}")`,
    );
  }
  const defaults = all?.[PROVIDER_CONFIG_KEY];
  const params = defaults?.authorization_params ?? {};
  for (const [key, value] of Object.entries(params)) {
    const check = CHECKS.get(key);
    if (!check)
      throw invalid(`authorization_params.${key}`, `not supported (allowed: ${[...CHECKS.keys()].join(", ")}); other parameters are not passed to Microsoft`);
    const problem = check(value);
    if (problem) throw invalid(`authorization_params.${key}`, problem);
  }
  for (const key of Object.keys(defaults?.connection_config ?? {})) {
    if (key !== "tenant") throw invalid(`connection_config.${key}`, "not supported (allowed: tenant)");
  }
  const tenant = defaults?.connection_config?.tenant ?? config.microsoft.tenant;
  if (typeof tenant !== "string" || !TENANT.test(tenant)) {
    throw invalid("connection_config.tenant", "must be common, organizations, consumers, a tenant id (GUID) or a verified domain such as contoso.com");
  }
  return { scope: buildScope(config.microsoft.adsEnvironment, defaults?.user_scopes), tenant, authorizationParams: params };
}
