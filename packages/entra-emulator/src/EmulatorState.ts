import type { AuthorizeRequest, RedirectTarget } from "./authorizeTypes.js";
import type { SigningKey } from "./createSigningKey.js";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET } from "./devClient.js";
import type { TestUser } from "./testUsers.js";
import type {
  AuthorizeErrorInjection,
  EmulatorClient,
  EmulatorStats,
  EntraEmulatorOptions,
  TokenErrorInjection,
  TokenGrantType,
  TokenNetworkFault,
} from "./types.js";

interface Expiring {
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** A login page waiting for someone to pick a user. */
export interface Interaction extends Expiring {
  request: AuthorizeRequest;
}

/** An admin-consent page waiting for an administrator's decision. */
export interface AdminConsentInteraction extends Expiring {
  target: RedirectTarget;
  clientId: string;
  scope: string;
}

export interface AuthCode extends Expiring {
  request: AuthorizeRequest;
  user: TestUser;
  redeemed: boolean;
}

export interface RefreshTokenRecord extends Expiring {
  user: TestUser;
  clientId: string;
  scopes: string[];
  tenantSegment: string;
  issuedAt: number;
  revoked: boolean;
  /** The refresh token this one was rotated from (null: from a sign-in or minted). */
  parent?: string | null;
  /** Issue order across the emulator (1, 2, …): tells the newest apart within one millisecond. */
  sequence?: number;
  /** Whether the answer carrying it reached the client: null while unknown (not yet answered). */
  delivered?: boolean | null;
}

export interface AccessTokenRecord extends Expiring {
  clientId: string;
  username: string | null;
}

const INTERACTION_LIFETIME_MS = 10 * 60 * 1000;
// Expired records are kept a while so they can still be told apart from unknown ones.
const KEEP_EXPIRED_MS = 24 * 60 * 60 * 1000;

/** Everything one emulator remembers, in memory only. */
export class EmulatorState {
  readonly clients = new Map<string, EmulatorClient>();
  readonly interactions = new Map<string, Interaction>();
  readonly adminConsentInteractions = new Map<string, AdminConsentInteraction>();
  /** Tenant ids whose administrator approved the apps (users there no longer need admin consent). */
  readonly adminConsentedTenants = new Set<string>();
  readonly codes = new Map<string, AuthCode>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly injections: Record<TokenGrantType, TokenErrorInjection[]> = { authorization_code: [], refresh_token: [], client_credentials: [] };
  /** Network faults of the next answers of each grant, after the work is done (see injectTokenNetworkFaults). */
  readonly networkFaults: Record<TokenGrantType, TokenNetworkFault[]> = { authorization_code: [], refresh_token: [], client_credentials: [] };
  /** Counts issued refresh tokens (RefreshTokenRecord.sequence). */
  refreshTokenSequence = 0;
  /** Errors the next sign-ins end with (see injectAuthorizeError). */
  readonly authorizeInjections: AuthorizeErrorInjection[] = [];
  /** Set by holdNextTokenResponse: called once tokens are issued; resolves when released. */
  readonly holds: Partial<Record<TokenGrantType, () => Promise<void>>> = {};
  /** Set by holdDiscovery: every metadata document request waits on it until released. */
  discoveryHold: (() => Promise<void>) | null = null;
  /** username → epoch ms of the last revocation (Entra's TokensValidFrom). */
  readonly tokensValidFrom = new Map<string, number>();
  readonly stats: EmulatorStats = { tokenRequests: { authorization_code: 0, refresh_token: 0, client_credentials: 0 }, authorizeRequests: 0 };
  readonly lifetimes: { accessToken: number; refreshToken: number; code: number; interaction: number };
  readonly log: (line: string) => void;
  lastAuthorizeRequest: URLSearchParams | null = null;
  loginPageCoop: boolean;
  /** Base URL of the emulator, set once it listens. */
  baseUrl = "";

  constructor(
    readonly signingKey: SigningKey,
    options: EntraEmulatorOptions,
  ) {
    for (const client of options.clients ?? [{ clientId: DEV_CLIENT_ID, clientSecret: DEV_CLIENT_SECRET }]) this.addClient(client);
    this.lifetimes = {
      accessToken: (options.accessTokenLifetimeSeconds ?? 3600) * 1000,
      refreshToken: (options.refreshTokenLifetimeSeconds ?? 90 * 24 * 3600) * 1000,
      code: (options.codeLifetimeSeconds ?? 600) * 1000,
      interaction: INTERACTION_LIFETIME_MS,
    };
    this.loginPageCoop = options.loginPageCoop ?? false;
    this.log = options.logger ?? (() => {});
  }

  addClient(client: EmulatorClient): void {
    this.clients.set(client.clientId, { ...client, redirectUris: client.redirectUris ? [...client.redirectUris] : undefined });
  }

  /**
   * Stores a record that expires `lifetimeMs` from now, dropping long-expired ones first. Every
   * record of one map gets that map's lifetime, so a map's insertion order is its expiry order:
   * the sweep drops from the oldest end and stops at the first record still worth keeping, so it
   * costs only what it drops, however many tokens are stored (a full scan here made each token
   * request slower as tokens accumulated: the refresh simulation's week).
   */
  remember<V extends Expiring>(map: Map<string, V>, key: string, value: Omit<V, "expiresAt">, lifetimeMs: number): V {
    const now = Date.now();
    for (const [k, v] of map) {
      if (v.expiresAt + KEEP_EXPIRED_MS >= now) break;
      map.delete(k);
    }
    const record = { ...value, expiresAt: now + lifetimeMs } as V;
    map.set(key, record);
    return record;
  }

  revokeRefreshTokens(username: string): void {
    this.tokensValidFrom.set(username, Date.now());
    for (const record of this.refreshTokens.values()) if (record.user.username === username) record.revoked = true;
  }

  isAccessTokenValid(accessToken: string): boolean {
    const record = this.accessTokens.get(accessToken);
    return record !== undefined && Date.now() < record.expiresAt;
  }
}
