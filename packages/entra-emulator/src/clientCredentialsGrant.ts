import { AADSTS } from "./aadsts.js";
import { parseScopes } from "./checkScopes.js";
import type { EmulatorState } from "./EmulatorState.js";
import { EntraHttpError } from "./EntraHttpError.js";
import { issueAccessToken, type TokenResponse } from "./issueTokens.js";
import type { ResolvedTenant } from "./resolveTenant.js";
import type { EmulatorClient } from "./types.js";

/** grant_type=client_credentials: an app-only token for exactly one `<resource>/.default` scope. */
export function clientCredentialsGrant(state: EmulatorState, client: EmulatorClient, form: URLSearchParams, tenant: ResolvedTenant): TokenResponse {
  // An app-only token belongs to one directory: Entra refuses this grant where no directory is named.
  if (tenant.kind === "common" || tenant.kind === "consumers") throw new EntraHttpError(400, "invalid_request", AADSTS.grantNotOnCommon());
  const raw = form.get("scope");
  if (!raw?.trim()) throw new EntraHttpError(400, "invalid_request", AADSTS.missingParameter("scope"));
  const scopes = parseScopes(raw);
  const only = scopes[0];
  if (scopes.length !== 1 || !only?.endsWith("/.default")) throw new EntraHttpError(400, "invalid_scope", AADSTS.clientCredentialsScope(raw.trim()));
  return { token_type: "Bearer", ...issueAccessToken(state, client.clientId, null) };
}
