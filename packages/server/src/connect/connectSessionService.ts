import { randomUUID } from "node:crypto";
import {
  CONNECT_ERROR,
  type ConnectResult,
  type ConnectSessionResponse,
  type CreateChangeAccountsSessionBody,
  type CreateConnectSessionBody,
  type CreateReconnectSessionBody,
  type IntegrationConfigDefaults,
  PROVIDER_CONFIG_KEY,
  type SessionStatusResponse,
} from "@ads-connect/shared";
import type { Config } from "../config.js";
import { AppError } from "../errors.js";
import { type EffectiveAuthParams, effectiveAuthParams } from "../oauth/authParams.js";
import type { SessionTenantCheck } from "../oauth/sessionTenantCheck.js";
import type { ConnectionStore } from "../store/connectionStore.js";
import type { ConnectSessionRow, ConnectSessionStore } from "../store/connectSessionStore.js";
import { currentTraceparent } from "../telemetry/tracing.js";
import { hashToken, newToken } from "../tokens/secureToken.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseJson } from "../util/parseJson.js";
import { CHANGE_ACCOUNTS_PURPOSE } from "./accountPickerService.js";
import { SIGN_IN_INTERRUPTED, wasInterrupted } from "./signInFailures.js";

export type { EffectiveAuthParams };

export class ConnectSessionService {
  constructor(
    private readonly config: Config,
    private readonly sessions: ConnectSessionStore,
    private readonly connections: ConnectionStore,
    private readonly now: Clock = systemClock,
    /** Asks Microsoft whether a tenant the session names exists (see sessionTenantCheck). */
    private readonly checkTenant: SessionTenantCheck = async () => {},
  ) {}

  async create(body: CreateConnectSessionBody): Promise<ConnectSessionResponse> {
    if (body.allowed_integrations && !body.allowed_integrations.includes(PROVIDER_CONFIG_KEY)) {
      throw new AppError("integration_not_allowed", `allowed_integrations must include "${PROVIDER_CONFIG_KEY}", the only integration this server offers`);
    }
    this.effectiveParams(body.integrations_config_defaults);
    await this.checkSessionTenant(body.integrations_config_defaults);
    return this.insert(body, null);
  }

  async createReconnect(body: CreateReconnectSessionBody): Promise<ConnectSessionResponse> {
    if (body.integration_id !== PROVIDER_CONFIG_KEY) {
      throw new AppError("unknown_provider_config", `integration_id must be "${PROVIDER_CONFIG_KEY}"`);
    }
    const connection = await this.connections.findByConnectionId(body.connection_id);
    if (!connection) throw new AppError("not_found", `No connection with id "${body.connection_id}"`, 404);
    const storedEndUser = parseJson<CreateConnectSessionBody["end_user"]>(connection.end_user);
    if (body.end_user && body.end_user.id !== storedEndUser.id) {
      throw new AppError("invalid_body", "end_user.id must be the end user the connection belongs to", 400, {
        details: [{ path: "end_user.id", message: `expected "${storedEndUser.id}"` }],
      });
    }
    // Ask Microsoft for the account this connection belongs to, so the browser's current session
    // does not silently pick another one.
    const defaults = body.integrations_config_defaults?.[PROVIDER_CONFIG_KEY];
    const merged: IntegrationConfigDefaults = {
      ...defaults,
      authorization_params: { prompt: "select_account", login_hint: connection.username, ...defaults?.authorization_params },
      connection_config: { tenant: parseJson<{ tenant?: string }>(connection.connection_config).tenant, ...defaults?.connection_config },
    };
    const integrationsConfig = { ...body.integrations_config_defaults, [PROVIDER_CONFIG_KEY]: merged };
    this.effectiveParams(integrationsConfig);
    await this.checkSessionTenant(body.integrations_config_defaults);
    return this.insert({ ...body, end_user: body.end_user ?? storedEndUser, integrations_config_defaults: integrationsConfig }, connection.connection_id);
  }

  /**
   * A session whose popup shows only the account picker for an existing connection (no sign-in):
   * the connect link opens the picker after the handshake or Continue (as a connect link would go
   * on to Microsoft); its result names the new selection.
   */
  async createChangeAccounts(body: CreateChangeAccountsSessionBody): Promise<ConnectSessionResponse> {
    if (body.integration_id !== PROVIDER_CONFIG_KEY) {
      throw new AppError("unknown_provider_config", `integration_id must be "${PROVIDER_CONFIG_KEY}"`);
    }
    const connection = await this.connections.findByConnectionId(body.connection_id);
    if (!connection) throw new AppError("not_found", `No connection with id "${body.connection_id}"`, 404);
    const endUser = parseJson<CreateConnectSessionBody["end_user"]>(connection.end_user);
    return this.insert(
      { end_user: endUser, ...(body.account_selection ? { account_selection: body.account_selection } : {}), ...(body.locale ? { locale: body.locale } : {}) },
      connection.connection_id,
      CHANGE_ACCOUNTS_PURPOSE,
    );
  }

  /** The live session for a token, or a typed error saying why it cannot be used. */
  async resolve(token: string): Promise<ConnectSessionRow> {
    const session = await this.sessions.findByTokenHash(hashToken(token));
    if (!session) throw new AppError("connect_session_invalid", "The connect session token is not valid. Ask the product for a new one.", 401);
    return this.resolveRow(session);
  }

  /** The session itself if it can still be used, else a typed error saying why not. */
  async resolveRow(session: ConnectSessionRow): Promise<ConnectSessionRow> {
    if (session.completed_at !== null)
      throw new AppError("connect_session_used", "This connect session already connected an account. Start a new session to connect again.", 409);
    if (session.expires_at <= this.now()) throw new AppError("connect_session_expired", "The connect session has expired. Ask the product for a new one.", 401);
    return session;
  }

  async setPendingStart(sessionId: string, start: Parameters<ConnectSessionStore["setPendingStart"]>[1]): Promise<void> {
    await this.sessions.setPendingStart(sessionId, start);
  }

  async findByStartProof(proof: string): Promise<ConnectSessionRow | undefined> {
    return this.sessions.findByStartProofHash(hashToken(proof));
  }

  async claimPendingStart(sessionId: string, proof: string): Promise<boolean> {
    return this.sessions.claimPendingStart(sessionId, hashToken(proof));
  }

  async markAttemptStarted(sessionId: string, at: number, expiresAt: number, flow: string | null): Promise<void> {
    await this.sessions.markAttemptStarted(sessionId, at, expiresAt, flow);
  }

  async status(token: string): Promise<SessionStatusResponse> {
    const session = await this.sessions.findByTokenHash(hashToken(token));
    if (!session) throw new AppError("connect_session_invalid", "The connect session token is not valid.", 401);
    let result = session.last_result ? parseJson<ConnectResult>(session.last_result) : null;
    // An attempt is in progress from the redirect to Microsoft until its result or its expiry…
    let attemptPending =
      session.last_attempt_at !== null && session.last_attempt_at > (session.last_result_at ?? 0) && (session.last_attempt_expires_at ?? 0) > this.now();
    // …or until it is known to be interrupted (consumed long ago, its result never recorded).
    if (attemptPending && session.completed_at === null) {
      const latest = await this.sessions.latestAttempt(session.id);
      if (latest && wasInterrupted(latest, this.now())) {
        attemptPending = false;
        result = SIGN_IN_INTERRUPTED;
      }
    }
    // The account picker is armed (from the callback's commit, before its page or its choice without
    // asking): the connection exists, its result (the chosen accounts) not yet.
    const choosing = session.picker_connection_id !== null && session.picker_done_at === null && (session.picker_expires_at ?? 0) > this.now();
    if (choosing) result = null;
    const status = choosing
      ? "authorizing"
      : session.completed_at !== null
        ? // Finished; an error only when its connection was deleted since (DELETED_CONNECTION_RESULT).
          result?.type === CONNECT_ERROR
          ? "error"
          : "success"
        : session.expires_at <= this.now()
          ? "expired"
          : attemptPending
            ? "authorizing"
            : result
              ? "error"
              : "pending";
    return {
      data: {
        status,
        expires_at: new Date(session.expires_at).toISOString(),
        attempt_started_at: session.last_attempt_at === null ? null : new Date(session.last_attempt_at).toISOString(),
        flow: session.last_attempt_flow,
        result,
      },
    };
  }

  /** Validates a session's `integrations_config_defaults` and merges them over the server defaults. */
  effectiveParams(all: CreateConnectSessionBody["integrations_config_defaults"]): EffectiveAuthParams {
    return effectiveAuthParams(this.config, all);
  }

  /** Only a tenant the session itself names: the server's own is checked at boot and by the doctor. */
  private async checkSessionTenant(all: CreateConnectSessionBody["integrations_config_defaults"]): Promise<void> {
    const tenant = all?.[PROVIDER_CONFIG_KEY]?.connection_config?.tenant;
    if (typeof tenant === "string") await this.checkTenant(tenant);
  }

  private async insert(body: CreateConnectSessionBody, reconnectConnectionId: string | null, purpose: string | null = null): Promise<ConnectSessionResponse> {
    const token = newToken("adsc_cs_");
    const createdAt = this.now();
    const expiresAt = createdAt + this.config.connectSessionTtlSeconds * 1000;
    await this.sessions.insert({
      id: randomUUID(),
      token_hash: hashToken(token),
      end_user: JSON.stringify(body.end_user),
      organization: body.organization ? JSON.stringify(body.organization) : null,
      allowed_integrations: body.allowed_integrations ? JSON.stringify(body.allowed_integrations) : null,
      integrations_config_defaults: body.integrations_config_defaults ? JSON.stringify(body.integrations_config_defaults) : null,
      tags: body.tags ? JSON.stringify(body.tags) : null,
      reconnect_connection_id: reconnectConnectionId,
      created_at: createdAt,
      expires_at: expiresAt,
      last_attempt_at: null,
      last_attempt_expires_at: null,
      last_attempt_flow: null,
      last_result: null,
      last_result_at: null,
      completed_at: null,
      // The connect flow's trace starts with the request creating its session (the product
      // backend's trace, when it sent a traceparent): every later step of the flow joins it.
      trace_context: currentTraceparent(),
      start_proof_hash: null,
      start_binding_hash: null,
      start_origin: null,
      start_flow: null,
      start_expires_at: null,
      account_selection: body.account_selection ?? null,
      purpose,
      locale: body.locale ?? null,
      picker_token_hash: null,
      picker_binding_hash: null,
      picker_connection_id: null,
      picker_origin: null,
      picker_expires_at: null,
      picker_done_at: null,
      picker_webhook_id: null,
      operation_id: null,
    });
    const link = new URL(`${this.config.publicUrl}/oauth/connect/${PROVIDER_CONFIG_KEY}`);
    link.searchParams.set("connect_session_token", token);
    return { data: { token, connect_link: link.href, expires_at: new Date(expiresAt).toISOString() } };
  }
}
