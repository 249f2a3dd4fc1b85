import { orderScopes } from "./checkScopes.js";
import type { EmulatorState } from "./EmulatorState.js";
import { randomToken } from "./randomToken.js";
import { signIdToken } from "./signIdToken.js";
import type { TestUser } from "./testUsers.js";

export interface TokenResponse {
  token_type: "Bearer";
  scope?: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
}

export interface IssueInput {
  user: TestUser;
  clientId: string;
  /** Scopes of this response. */
  scopes: string[];
  tenantSegment: string;
  nonce: string | null;
  /** Scopes the new refresh token carries, or null to issue none. */
  refreshScopes: string[] | null;
  /** The refresh token redeemed for this answer (the refresh grant), kept as the new one's parent. */
  parentRefreshToken?: string;
}

/** Mints an access token, and a refresh token and ID token when asked for, remembering them. */
export async function issueTokens(state: EmulatorState, input: IssueInput): Promise<TokenResponse> {
  // The refresh token is stored first so it never outlives an access token issued with it by a millisecond.
  let refreshToken: string | undefined;
  if (input.refreshScopes) {
    refreshToken = randomToken("1.A", 96);
    state.remember(
      state.refreshTokens,
      refreshToken,
      {
        user: input.user,
        clientId: input.clientId,
        scopes: input.refreshScopes,
        tenantSegment: input.tenantSegment,
        issuedAt: Date.now(),
        revoked: false,
        parent: input.parentRefreshToken ?? null,
        sequence: ++state.refreshTokenSequence,
        delivered: null,
      },
      state.lifetimes.refreshToken,
    );
  }
  const response: TokenResponse = {
    token_type: "Bearer",
    scope: orderScopes(input.scopes).join(" "),
    ...issueAccessToken(state, input.clientId, input.user.username),
  };
  if (refreshToken) response.refresh_token = refreshToken;
  if (input.scopes.includes("openid")) {
    response.id_token = await signIdToken(state.signingKey, { user: input.user, clientId: input.clientId, scopes: input.scopes, nonce: input.nonce });
  }
  return response;
}

/** An opaque access token, valid for the configured lifetime. */
export function issueAccessToken(
  state: EmulatorState,
  clientId: string,
  username: string | null,
): Pick<TokenResponse, "expires_in" | "ext_expires_in" | "access_token"> {
  const accessToken = randomToken("EwA", 48);
  state.remember(state.accessTokens, accessToken, { clientId, username }, state.lifetimes.accessToken);
  const seconds = Math.round(state.lifetimes.accessToken / 1000);
  return { expires_in: seconds, ext_expires_in: seconds, access_token: accessToken };
}
