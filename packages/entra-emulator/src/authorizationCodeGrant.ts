import { AADSTS, type AadstsMessage } from "./aadsts.js";
import type { EmulatorState } from "./EmulatorState.js";
import { EntraHttpError } from "./EntraHttpError.js";
import { issueTokens, type TokenResponse } from "./issueTokens.js";
import type { ResolvedTenant } from "./resolveTenant.js";
import type { EmulatorClient } from "./types.js";
import { verifyPkce } from "./verifyPkce.js";

const invalidGrant = (aadsts: AadstsMessage) => new EntraHttpError(400, "invalid_grant", aadsts);

/** grant_type=authorization_code, checked in the order Entra checks. */
export async function authorizationCodeGrant(
  state: EmulatorState,
  client: EmulatorClient,
  form: URLSearchParams,
  tenant: ResolvedTenant,
): Promise<TokenResponse> {
  const code = form.get("code");
  if (!code) throw new EntraHttpError(400, "invalid_request", AADSTS.missingParameter("code"));
  const redirectUri = form.get("redirect_uri");
  if (!redirectUri) throw new EntraHttpError(400, "invalid_request", AADSTS.missingParameter("redirect_uri"));
  if (code.length < 16 || !/^[A-Za-z0-9._~-]+$/.test(code)) throw invalidGrant(AADSTS.malformed());

  const record = state.codes.get(code);
  if (!record) throw invalidGrant(AADSTS.codeInvalid());
  if (record.redeemed) throw invalidGrant(AADSTS.codeRedeemed());
  if (record.expiresAt <= Date.now()) throw invalidGrant(AADSTS.codeExpired());
  const { request, user } = record;
  if (request.clientId !== client.clientId) throw invalidGrant(AADSTS.grantOfOtherClient());
  if (redirectUri !== request.redirectUri) throw invalidGrant(AADSTS.replyAddressMismatch(redirectUri, request.redirectUri));
  if (request.codeChallenge !== null) {
    const verifier = form.get("code_verifier");
    if (!verifier || !verifyPkce(request.codeChallenge, request.codeChallengeMethod, verifier)) throw invalidGrant(AADSTS.pkceMismatch());
  }

  // These fail before redemption, so the same code can be retried (and fails again).
  if (user.behavior === "token_429") throw new EntraHttpError(429, "temporarily_unavailable", AADSTS.throttled(), { "Retry-After": "1" });
  if (user.behavior === "token_5xx") throw new EntraHttpError(503, "temporarily_unavailable", AADSTS.transient());

  record.redeemed = true;
  return issueTokens(state, {
    user,
    clientId: client.clientId,
    scopes: request.scopes,
    tenantSegment: tenant.segment,
    nonce: request.nonce,
    refreshScopes: request.scopes.includes("offline_access") ? request.scopes : null,
  });
}
