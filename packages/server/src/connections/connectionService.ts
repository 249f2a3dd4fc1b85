import type { AdAccount } from "@ads-connect/shared";
import {
  type ApiEndUser,
  type Connection,
  type ConnectionSummary,
  type EndUserInput,
  type ListConnectionsQuery,
  type PatchConnectionBody,
  PROVIDER_CONFIG_KEY,
} from "@ads-connect/shared";
import type * as oidc from "openid-client";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { AppError, ConnectFlowError } from "../errors.js";
import type { ConnectionChangeFeed } from "../store/connectionChanges.js";
import type { ConnectionRow, ConnectionStore } from "../store/connectionStore.js";
import type { Stores, TransactionStores } from "../store/stores.js";
import { decryptCredentials, encryptCredentials, type StoredCredentials } from "../tokens/storedCredentials.js";
import type { TokenCipher } from "../tokens/tokenCipher.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseJson } from "../util/parseJson.js";
import { untilAborted } from "../util/untilAborted.js";
import type { Organization, StoredEndUser } from "../webhooks/authWebhook.js";
import type { WebhookOutbox } from "../webhooks/webhookOutbox.js";
import { validateSelectionPatch } from "./accountSelection.js";
import { AccountListCache, connectionAccountFields } from "./connectionAccountFields.js";
import { deleteConnectionRows } from "./connectionDeletion.js";
import { ConnectionRowCache } from "./connectionRowCache.js";
import { CredentialCache } from "./credentialCache.js";
import type { LastFetchedRecorder } from "./lastFetchedRecorder.js";
import { keepAliveDueAt } from "./refreshSchedule.js";
import { StampedRowCache } from "./stampedRowCache.js";
import type { TokenRefresher } from "./tokenRefresher.js";

export interface ConnectedAccount {
  tenant_id: string;
  object_id: string;
  username: string;
  display_name: string | null;
  account_type: "work" | "personal";
}

/**
 * `last_fetched_at` is bookkeeping ("read recently"), recorded at most once a minute per
 * connection rather than on every token read, and written off the request path by the
 * LastFetchedRecorder: it is accurate to this granularity.
 */
export const LAST_FETCHED_GRANULARITY_MS = 60_000;

export class ConnectionService {
  private readonly credentialCache: CredentialCache;
  private readonly accountLists = new AccountListCache();
  /** The rows token reads serve from memory: PostgreSQL with a change feed (ConnectionRowCache), SQLite (StampedRowCache). */
  private readonly rowCache: ConnectionRowCache | StampedRowCache | undefined;

  private readonly now: Clock;

  constructor(
    private readonly deps: {
      config: Config;
      /** Connections and their accounts, and the transaction of a deletion with its webhook. */
      stores: Stores;
      cipher: TokenCipher;
      refresher: TokenRefresher;
      outbox: WebhookOutbox;
      logger: Logger;
      lastFetched: LastFetchedRecorder;
      now?: Clock;
      /** Decrypted credentials kept per row version; `maxEntries: 0` turns the cache off. */
      credentialCache?: { maxEntries: number; ttlMs: number };
      /** PostgreSQL: the connection rows' changes; token reads then keep rows up to `config.tokenReadCacheSeconds`. */
      changes?: ConnectionChangeFeed | undefined;
    },
  ) {
    this.now = deps.now ?? systemClock;
    this.credentialCache = new CredentialCache({ ...(deps.credentialCache ?? { maxEntries: 10_000, ttlMs: 60_000 }), now: () => this.now() });
    const ttlMs = deps.config.tokenReadCacheSeconds * 1000;
    if (deps.changes && ttlMs > 0) this.rowCache = new ConnectionRowCache(deps.changes, { maxEntries: 10_000, ttlMs, now: () => this.now() });
    else if (ttlMs > 0 && deps.stores.connections.stampsChanges) {
      const connections = deps.stores.connections;
      this.rowCache = new StampedRowCache(() => connections.changeStamp(), { maxEntries: 10_000, ttlMs, now: () => this.now() });
    }
  }

  async list(query: ListConnectionsQuery): Promise<{ connections: ConnectionSummary[] }> {
    if (query.integrationId && !query.integrationId.split(",").includes(PROVIDER_CONFIG_KEY)) return { connections: [] };
    const limit = query.limit ?? 100;
    const offset = (query.page ?? 0) * limit;
    // A refresh in flight on any instance shows as `refreshing`: its lease is read with the rows
    // when the list is by connection id only (a status read), else in a second query.
    const byIdOnly = query.connectionId && !query.endUserId && !query.endUserOrganizationId && !query.search;
    const { rows, leased } = byIdOnly
      ? await this.deps.stores.connections.listByConnectionIdWithLeases(query.connectionId!, limit, offset)
      : {
          rows: await this.deps.stores.connections.list({
            connectionId: query.connectionId,
            endUserId: query.endUserId,
            endUserOrganizationId: query.endUserOrganizationId,
            search: query.search,
            limit,
            offset,
          }),
          leased: undefined,
        };
    const ids = rows.map((row) => row.connection_id);
    const [refreshing, accounts] = await Promise.all([
      leased ? this.deps.refresher.refreshingWithLeases(ids, leased) : this.deps.refresher.refreshingAmong(ids),
      this.accountLists.activeAccounts(this.deps.stores.adAccounts, rows),
    ]);
    return {
      connections: rows.map((row) => {
        const summary = toSummary(row, accounts.get(row.connection_id) ?? []);
        if (refreshing.has(row.connection_id)) summary.status = "refreshing";
        return summary;
      }),
    };
  }

  /**
   * The connection with an access token valid for at least the configured margin (refreshed when
   * it is closer to expiry, or now with `forceRefresh`). When Microsoft is briefly unavailable the
   * last good token is served while it is still valid.
   */
  async get(
    connectionId: string,
    options: { providerConfigKey?: string | undefined; forceRefresh?: boolean | undefined; includeRefreshToken?: boolean | undefined },
  ): Promise<Connection> {
    const fresh = await this.freshCredentials(await this.find(connectionId, options.providerConfigKey, true), options.forceRefresh ?? false);
    const { credentials } = fresh;
    const { row } = fresh;
    const now = this.now();
    if (row.last_fetched_at === null || now - row.last_fetched_at >= LAST_FETCHED_GRANULARITY_MS) {
      this.deps.lastFetched.record(row.connection_id, now);
    }
    const accounts = (await this.accountLists.activeAccounts(this.deps.stores.adAccounts, [row])).get(row.connection_id) ?? [];
    const summary = toSummary(row, accounts);
    // One object literal of a fixed shape, the summary's fields named one by one: object rest and
    // spread (`{ created, ...rest } = summary`) would make garbage that outlives V8's scavenges on
    // the hot read and is promoted to the old generation, so collections get longer and more often.
    return {
      id: summary.id,
      connection_id: summary.connection_id,
      provider_config_key: summary.provider_config_key,
      provider: summary.provider,
      metadata: summary.metadata ?? {},
      errors: summary.errors,
      end_user: summary.end_user,
      tags: summary.tags,
      status: summary.status,
      account: summary.account,
      accounts: summary.accounts,
      selected_account_ids: summary.selected_account_ids,
      removed_selected_account_ids: summary.removed_selected_account_ids,
      accounts_error: summary.accounts_error,
      accounts_synced_at: summary.accounts_synced_at,
      created_at: new Date(row.created_at).toISOString(),
      updated_at: new Date(row.updated_at).toISOString(),
      last_fetched_at: new Date(now).toISOString(),
      connection_config: parseJson(row.connection_config),
      credentials: apiCredentials(credentials, now, options.includeRefreshToken ?? false),
    };
  }

  /**
   * An access token for this server's own calls to Microsoft Advertising (account sync, proxy):
   * refreshed like a read's, without the read bookkeeping (`last_fetched_at` is the product's reads).
   * `background` (a sync run's calls): a refresh takes from the token request budget like
   * refresh-ahead's and, refused, rejects with NoTokenBudget (the run is postponed).
   */
  async accessToken(connectionId: string, options: { forceRefresh?: boolean; signal?: AbortSignal | undefined; background?: boolean } = {}): Promise<string> {
    const row = await this.find(connectionId, undefined, true);
    const { credentials } = await this.freshCredentials(row, options.forceRefresh ?? false, options.signal, options.background ?? false);
    return credentials.access_token;
  }

  /**
   * The row's credentials, valid for at least the configured margin (refreshed when closer to
   * expiry, or now when forced). While Microsoft is briefly unavailable the last good token is
   * served as long as it is still valid. When `signal` aborts (the caller's deadline) the wait for
   * a refresh ends with its reason; the refresh itself runs on and stores its tokens.
   */
  private async freshCredentials(
    found: ConnectionRow,
    forceRefresh: boolean,
    signal?: AbortSignal,
    background = false,
  ): Promise<{ row: ConnectionRow; credentials: StoredCredentials }> {
    let row = found;
    if (row.status === "expired") {
      throw new AppError("grant_expired", "The Microsoft connection has expired; the end user must reconnect.", 424);
    }
    let credentials = await this.decrypt(row);
    const marginMs = this.deps.config.tokenMinValiditySeconds * 1000;
    if (forceRefresh || credentials.expires_at - this.now() < marginMs) {
      try {
        credentials = await untilAborted(this.deps.refresher.refresh(row, background ? "sync" : forceRefresh ? "forced" : "read"), signal);
      } catch (err) {
        const stillValid = credentials.expires_at > this.now() + 1000;
        if (!(err instanceof AppError) || err.status !== 503 || !stillValid) throw err;
        this.deps.logger.warn({ connectionId: row.connection_id, code: err.code }, "serving the last good access token while Microsoft is unavailable");
      }
      row = (await this.deps.stores.connections.findByConnectionId(row.connection_id)) ?? row;
    }
    return { row, credentials };
  }

  async patch(connectionId: string, providerConfigKey: string | undefined, body: PatchConnectionBody): Promise<{ success: boolean }> {
    const row = await this.find(connectionId, providerConfigKey);
    const now = this.now();
    const changes: Parameters<ConnectionStore["update"]>[1] = { updated_at: now };
    if (body.end_user) {
      const current = parseJson<StoredEndUser>(row.end_user);
      if (body.end_user.id !== current.id) {
        throw new AppError("invalid_body", "end_user.id cannot change; create a new connection for another end user");
      }
      changes.end_user = JSON.stringify({ ...current, ...body.end_user });
    }
    if (body.tags) changes.tags = JSON.stringify(body.tags);
    if (body.metadata) changes.metadata = JSON.stringify({ ...(row.metadata ? parseJson(row.metadata) : {}), ...body.metadata });
    if (!body.selected_account_ids) return { success: await this.deps.stores.connections.update(row.connection_id, changes) };
    const active = await this.deps.stores.adAccounts.active(row.connection_id);
    changes.selected_account_ids = JSON.stringify(validateSelectionPatch(active, body.selected_account_ids));
    const success = await this.deps.stores.transaction(async (tx) => {
      const updated = await tx.connections.update(row.connection_id, changes);
      // The next runs delete the records of accounts no longer selected (and report them in their webhooks).
      if (updated) await tx.syncSchedules.makeDue(row.connection_id, now);
      return updated;
    });
    return { success };
  }

  /** Removes the connection and what was kept about its user, for good (see `deleteConnectionRows`). */
  async delete(connectionId: string, providerConfigKey: string | undefined): Promise<{ success: boolean }> {
    const row = await this.find(connectionId, providerConfigKey);
    const success = await this.deps.stores.transaction((tx) => deleteConnectionRows(tx, this.deps.outbox, row, this.now()));
    return { success };
  }

  /**
   * Stores the result of a successful connect inside the caller's transaction: the same Microsoft
   * account (tenant id, object id) of the same end user updates its connection instead of adding one.
   */
  async saveFromConnect(
    tx: TransactionStores,
    input: {
      reconnectConnectionId: string | null;
      pendingConnectionId: string;
      endUser: EndUserInput;
      organization: Organization | null;
      tags: Record<string, string>;
      account: ConnectedAccount;
      tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
      scope: string;
      tenant: string;
      authorizationParams: Record<string, string>;
      now: number;
    },
  ): Promise<{ connectionId: string; operation: "creation" | "override" }> {
    const { account, now } = input;
    let existing = await tx.connections.findByAccount(input.endUser.id, account.tenant_id, account.object_id);
    if (input.reconnectConnectionId) {
      const target = await tx.connections.findByConnectionId(input.reconnectConnectionId);
      if (!target) throw new ConnectFlowError("not_found", "The connection to reconnect no longer exists.", "product_team");
      if (target.tenant_id !== account.tenant_id || target.object_id !== account.object_id) {
        throw new ConnectFlowError(
          "reconnect_account_mismatch",
          `You signed in as ${account.username}, but this connection belongs to ${target.username}. Connect again and sign in with ${target.username}.`,
          "end_user",
        );
      }
      existing = target;
    }
    const connectionId = existing?.connection_id ?? input.pendingConnectionId;
    const expiresIn = input.tokens.expiresIn() ?? 3600;
    const credentials: StoredCredentials = {
      access_token: input.tokens.access_token,
      refresh_token: input.tokens.refresh_token!,
      id_token: input.tokens.id_token ?? null,
      token_type: input.tokens.token_type,
      scope: input.tokens.scope ?? input.scope,
      expires_at: now + expiresIn * 1000,
    };
    const endUser: StoredEndUser = { ...input.endUser, organization: input.organization };
    const common = {
      end_user: JSON.stringify(endUser),
      username: account.username,
      display_name: account.display_name,
      account_type: account.account_type,
      status: "connected" as const,
      errors: "[]",
      credentials_enc: await encryptCredentials(this.deps.cipher, connectionId, credentials),
      access_token_expires_at: credentials.expires_at,
      last_refreshed_at: now,
      keepalive_due_at: keepAliveDueAt(now, this.deps.config.refreshAhead.touchIdleAfterSeconds),
      refresh_failures: 0,
      failure_reported: 0,
      scope: credentials.scope,
      // The effective sign-in parameters (session values merged over the server's), for the record.
      connection_config: JSON.stringify({ tenant: input.tenant, scope: input.scope, authorization_params: input.authorizationParams }),
      updated_at: now,
    };
    if (existing) {
      // A new version: a refresh still in flight for the old credentials can no longer write.
      await tx.connections.updateVersioned(
        connectionId,
        { expected: null, bump: true },
        { ...common, tags: JSON.stringify({ ...parseJson(existing.tags), ...input.tags }) },
      );
      return { connectionId, operation: "override" };
    }
    await tx.connections.insert({
      ...common,
      connection_id: connectionId,
      provider_config_key: PROVIDER_CONFIG_KEY,
      end_user_id: input.endUser.id,
      tenant_id: account.tenant_id,
      object_id: account.object_id,
      metadata: null,
      tags: JSON.stringify(input.tags),
      created_at: now,
      last_fetched_at: null,
    });
    return { connectionId, operation: "creation" };
  }

  private readonly readRow = (connectionId: string) => this.deps.stores.connections.findByConnectionId(connectionId);

  /** The row's credentials, decrypted once per row version and ciphertext (see CredentialCache). */
  private async decrypt(row: ConnectionRow): Promise<StoredCredentials> {
    const cached = this.credentialCache.get(row);
    if (cached) return cached;
    const credentials = await decryptCredentials(this.deps.cipher, row);
    this.credentialCache.set(row, credentials);
    return credentials;
  }

  /** `kept`: a token read, which may serve the row kept in memory (see ConnectionRowCache); writes read the database. */
  private async find(connectionId: string, providerConfigKey: string | undefined, kept = false): Promise<ConnectionRow> {
    if (providerConfigKey !== undefined && providerConfigKey !== PROVIDER_CONFIG_KEY) {
      throw new AppError("unknown_provider_config", `provider_config_key must be "${PROVIDER_CONFIG_KEY}"`);
    }
    const row =
      kept && this.rowCache ? await this.rowCache.find(connectionId, this.readRow) : await this.deps.stores.connections.findByConnectionId(connectionId);
    if (!row) throw new AppError("not_found", `No connection with id "${connectionId}"`, 404);
    return row;
  }
}

function toApiEndUser(stored: StoredEndUser): ApiEndUser {
  return {
    id: stored.id,
    display_name: stored.display_name ?? null,
    email: stored.email ?? null,
    tags: stored.tags ?? {},
    organization: stored.organization ? { id: stored.organization.id, display_name: stored.organization.display_name ?? null } : null,
  };
}

/** Nango's OAUTH2 credentials of a token read; the refresh token only when asked for. */
function apiCredentials(credentials: StoredCredentials, now: number, includeRefreshToken: boolean): Connection["credentials"] {
  const expiresAt = new Date(credentials.expires_at).toISOString();
  const raw = {
    token_type: credentials.token_type,
    scope: credentials.scope,
    access_token: credentials.access_token,
    expires_in: Math.max(0, Math.floor((credentials.expires_at - now) / 1000)),
  };
  return includeRefreshToken
    ? { type: "OAUTH2", access_token: credentials.access_token, refresh_token: credentials.refresh_token, expires_at: expiresAt, raw }
    : { type: "OAUTH2", access_token: credentials.access_token, expires_at: expiresAt, raw };
}

/** Built as one literal of a fixed shape, every field named (no spread: see `get`). */
function toSummary(row: ConnectionRow, accounts: AdAccount[]): ConnectionSummary {
  const fields = connectionAccountFields(row, accounts);
  return {
    id: row.id,
    connection_id: row.connection_id,
    provider_config_key: row.provider_config_key,
    provider: PROVIDER_CONFIG_KEY,
    created: new Date(row.created_at).toISOString(),
    metadata: row.metadata ? parseJson(row.metadata) : null,
    errors: parseJson(row.errors),
    end_user: toApiEndUser(parseJson<StoredEndUser>(row.end_user)),
    tags: parseJson(row.tags),
    status: row.status,
    account: { username: row.username, display_name: row.display_name, tenant_id: row.tenant_id, account_type: row.account_type },
    accounts: fields.accounts,
    selected_account_ids: fields.selected_account_ids,
    removed_selected_account_ids: fields.removed_selected_account_ids,
    accounts_error: fields.accounts_error,
    accounts_synced_at: fields.accounts_synced_at,
  };
}
