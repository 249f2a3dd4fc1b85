import { AADSTS, type AadstsMessage } from "./aadsts.js";
import { parseScopes, resourceScopes } from "./checkScopes.js";
import type { EmulatorState } from "./EmulatorState.js";
import { EntraHttpError } from "./EntraHttpError.js";
import { entraDate, entraTimeSpan } from "./entraDate.js";
import { issueTokens, type TokenResponse } from "./issueTokens.js";
import type { EmulatorClient } from "./types.js";

const invalidGrant = (aadsts: AadstsMessage) => new EntraHttpError(400, "invalid_grant", aadsts);

/**
 * grant_type=refresh_token. Answers with a new access token and a rotated refresh token; as at
 * Entra, the old refresh token stays usable until its own expiry.
 */
export async function refreshTokenGrant(state: EmulatorState, client: EmulatorClient, form: URLSearchParams): Promise<TokenResponse> {
  const token = form.get("refresh_token");
  if (!token) throw new EntraHttpError(400, "invalid_request", AADSTS.missingParameter("refresh_token"));
  const record = state.refreshTokens.get(token);
  if (!record) throw invalidGrant(AADSTS.malformed());
  if (record.clientId !== client.clientId) throw invalidGrant(AADSTS.grantOfOtherClient());
  if (record.revoked || record.user.behavior === "refresh_revoked") {
    const validFrom = state.tokensValidFrom.get(record.user.username) ?? Date.now();
    throw invalidGrant(AADSTS.refreshTokenRevoked(entraDate(record.issuedAt), entraDate(validFrom)));
  }
  if (record.expiresAt <= Date.now()) {
    throw invalidGrant(AADSTS.refreshTokenExpired(entraDate(record.issuedAt), entraTimeSpan(state.lifetimes.refreshToken)));
  }

  const requested = parseScopes(form.get("scope"));
  const granted = new Set(resourceScopes(record.scopes));
  if (resourceScopes(requested).some((s) => !granted.has(s))) throw invalidGrant(AADSTS.consentMissing(client.clientId));

  return issueTokens(state, {
    user: record.user,
    clientId: client.clientId,
    scopes: requested.length > 0 ? requested : record.scopes,
    tenantSegment: record.tenantSegment,
    nonce: null,
    refreshScopes: record.scopes,
    parentRefreshToken: token,
  });
}
