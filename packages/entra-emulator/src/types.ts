import type { TestUser } from "./testUsers.js";

/** An app registration. */
export interface EmulatorClient {
  clientId: string;
  clientSecret: string;
  /** Registered redirect URIs; undefined accepts any http(s) redirect URI. */
  redirectUris?: string[];
  /** The secret is known but expired: using it gives AADSTS7000222. */
  secretExpired?: boolean;
}

export interface EntraEmulatorOptions {
  /** Default 0 (a random free port). */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Default: the dev client (DEV_CLIENT_ID / DEV_CLIENT_SECRET). */
  clients?: EmulatorClient[];
  /** Default 3600. */
  accessTokenLifetimeSeconds?: number;
  /** Default 90 days. */
  refreshTokenLifetimeSeconds?: number;
  /** Default 600. */
  codeLifetimeSeconds?: number;
  /** Send `Cross-Origin-Opener-Policy: same-origin` from the authorize and login pages, as Entra may. Default false. */
  loginPageCoop?: boolean;
  /** Receives one line per notable event; never tokens, codes or secrets. */
  logger?: (line: string) => void;
}

export type TokenGrantType = "authorization_code" | "refresh_token" | "client_credentials";

/** An error the token endpoint returns instead of doing its work (see injectTokenErrors). */
export interface TokenErrorInjection {
  status: number;
  error: string;
  aadsts: number;
  description: string;
  retryAfterSeconds?: number;
  /** Sent as the `WWW-Authenticate` header (RFC 6749 §5.2 allows it on a 401 invalid_client). */
  wwwAuthenticate?: string;
}

/**
 * How the token endpoint's next answer misbehaves on the wire once the work is done (tokens issued,
 * the refresh token rotated): `slow` answers after `delayMs` (longer than a client's timeout, the
 * client has given up), `reset` cuts the connection instead of answering. Either way the client may
 * never see tokens Entra issued.
 */
export type TokenNetworkFault = { kind: "slow"; delayMs: number } | { kind: "reset" };

/** A refresh token the emulator issued, for checking what a client kept (see issuedRefreshTokens). */
export interface IssuedRefreshToken {
  token: string;
  username: string;
  /** The refresh token it was rotated from; null when it came from a sign-in (or was minted). */
  parent: string | null;
  issuedAt: number;
  /** Issue order across the emulator. */
  sequence: number;
  /** Whether the answer carrying it reached the client (false: cut, or the client had gone); null: unknown yet. */
  delivered: boolean | null;
}

/** An error the next sign-in redirects back with, instead of a code (see injectAuthorizeError). */
export interface AuthorizeErrorInjection {
  error: string;
  aadsts: number;
  description: string;
}

export interface EmulatorStats {
  tokenRequests: Record<TokenGrantType, number>;
  authorizeRequests: number;
}

export interface EntraEmulator {
  /** Base URL without trailing slash, e.g. "http://127.0.0.1:43123". */
  url: string;
  close(): Promise<void>;
  users: readonly TestUser[];
  stats: EmulatorStats;
  /** Query of the most recent /authorize request. */
  lastAuthorizeRequest: URLSearchParams | null;
  /** The next sign-ins (after the user picks an account) redirect back with these errors, in order. */
  injectAuthorizeError(...errors: AuthorizeErrorInjection[]): void;
  /** The next requests of that grant fail with these errors, in order, then it works again. */
  injectTokenErrors(grantType: TokenGrantType, errors: TokenErrorInjection[]): void;
  /** The next answers of that grant misbehave on the wire, in order, after the work is done (tokens issued). */
  injectTokenNetworkFaults(grantType: TokenGrantType, faults: TokenNetworkFault[]): void;
  /** Every refresh token issued so far (with its parent and whether its answer arrived), oldest first. */
  issuedRefreshTokens(): IssuedRefreshToken[];
  /**
   * The next request of that grant does its work (tokens issued and the refresh token rotated, or
   * an injected or real error) and then waits to answer until `release()`: the moment a client can
   * die having lost the answer, or the world can change while an answer is on its way.
   */
  holdNextTokenResponse(grantType: TokenGrantType): { held: Promise<void>; release(): void };
  /**
   * Every discovery document request (`/.well-known/openid-configuration`) waits to be answered
   * until `release()`: Entra slower than a client's timeout. `held` resolves once one is waiting.
   */
  holdDiscovery(): { held: Promise<void>; release(): void };
  /** Every refresh token issued so far to that user becomes invalid_grant (AADSTS50173). */
  revokeRefreshTokens(username: string): void;
  /** Issued by this emulator and not expired. */
  isAccessTokenValid(accessToken: string): boolean;
  /**
   * Whom an access token this emulator issued belongs to (null username: an app-only token) and
   * whether it expired; null for a token it never issued. The Microsoft Advertising emulator
   * checks tokens with it.
   */
  accessTokenInfo(accessToken: string): { username: string | null; expired: boolean } | null;
  setLoginPageCoop(enabled: boolean): void;
  /** Lifetime of access tokens issued from now on. */
  setAccessTokenLifetimeSeconds(seconds: number): void;
  /**
   * A refresh token for a test user, as if they had signed in to that client (default: the dev
   * client) with those scopes — for seeding many connections in load tests and simulations
   * without a sign-in each. Throws for an unknown user or client.
   */
  mintRefreshToken(username: string, options?: { clientId?: string; scopes?: string[]; tenantSegment?: string }): string;
  /** Tenant ids whose administrator approved the app on the admin-consent page. */
  readonly adminConsentedTenants: ReadonlySet<string>;
  /** Adds the client, or replaces the one with the same id. */
  addClient(client: EmulatorClient): void;
}
