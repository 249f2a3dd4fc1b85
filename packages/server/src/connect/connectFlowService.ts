import { randomUUID } from "node:crypto";
import {
  CONNECT_ERROR,
  CONNECT_SUCCESS,
  PROVIDER_CONFIG_KEY,
  type ConnectResult,
  type ConnectSuccess,
  type EndUserInput,
} from "@ads-connect/shared";
import type { Kysely } from "kysely";
import * as oidc from "openid-client";
import type { Logger } from "pino";
import { CHANGE_ACCOUNTS_PURPOSE, type AccountPickerService, type PickerOutcome } from "./accountPickerService.js";
import type { AccountSync } from "../accounts/accountSync.js";
import { AdminConsentService } from "../admin/adminConsentService.js";
import type { Config } from "../config.js";
import { AppError, ConnectFlowError } from "../errors.js";
import type { EntraClient } from "../oauth/entraClient.js";
import { signInRedirectUri } from "../oauth/redirectUris.js";
import { fromAuthorizeError, fromTokenRequestError } from "../oauth/translateEntraError.js";
import type { AttemptRow, AttemptStore } from "../store/attemptStore.js";
import { DatabaseBusyError } from "../store/databaseBusy.js";
import { IntegrationEventStore } from "../store/integrationEventStore.js";
import type { Database } from "../store/schema.js";
import type { ConnectSessionRow } from "../store/sessionStore.js";
import { hashToken, newToken, secretsEqual } from "../tokens/secureToken.js";
import type { TokenCipher } from "../tokens/tokenCipher.js";
import { authWebhook } from "../webhooks/authWebhook.js";
import type { WebhookOutbox } from "../webhooks/webhookOutbox.js";
import type { ConnectionService } from "../connections/connectionService.js";
import type { ConnectSessionService } from "./connectSessionService.js";
import { parseJson } from "../util/parseJson.js";
import { CALLBACK_DEADLINE_MS, DATABASE_BUSY, INTERNAL_ERROR, SERVER_RESTARTING, SIGN_IN_INTERRUPTED, wasInterrupted } from "./signInFailures.js";
import { systemClock, type Clock } from "../util/clock.js";

export const CONSUMERS_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad";

/** What the popup's page tells the browser to wait when Entra's discovery did not answer. */
const DISCOVERY_RETRY_AFTER_SECONDS = 5;

export interface BindingCookie {
  name: string;
  value: string;
  maxAgeSeconds: number;
}

/** The page that asks for the go-ahead before Microsoft: the widget's handshake, else the person's Continue. */
export interface StartPage {
  kind: "page";
  /** One-time proof in the page's form; with the binding cookie it lets this browser continue once. */
  proof: string;
  cookie: BindingCookie;
  productName: string;
  /** Whom the connection would belong to, as the product described its end user. */
  endUser: EndUserInput;
  /** The widget's page to shake hands with; null for a plain connect link. */
  origin: string | null;
  flow: string | null;
  /** A change-accounts session: Continue opens the account picker (no Microsoft sign-in). */
  changeAccounts: boolean;
}

/** A result page instead of going on: where it may post the result (null: nobody to tell). */
export interface ErrorOutcome {
  kind: "error";
  status: number;
  result: ConnectResult;
  origin: string | null;
  /** Sent as `Retry-After` when Microsoft is temporarily unavailable. */
  retryAfterSeconds?: number;
}

export type StartOutcome = StartPage | ErrorOutcome | PickerOutcome;

export type ProceedOutcome = { kind: "redirect"; url: string; cookie: BindingCookie; startCookieName: string } | ErrorOutcome | (PickerOutcome & { startCookieName: string });

type EffectiveParams = ReturnType<ConnectSessionService["effectiveParams"]>;

export interface CallbackOutcome {
  status: number;
  result: ConnectResult;
  /** Where the result page may post the result; null when nobody should be told. */
  origin: string | null;
  /** After a success: the account picker to show, or the result page's notice (no accounts). */
  next?: PickerOutcome;
}

/** Cookie that ties a start page to the browser that opened it (its Continue is refused elsewhere). */
export function startCookieName(sessionId: string): string {
  return `adsc_start_${hashToken(sessionId).slice(0, 16)}`;
}

/** Cookie that ties an attempt to the browser that started it (login CSRF protection). */
export function bindingCookieName(state: string): string {
  return `adsc_attempt_${hashToken(state).slice(0, 16)}`;
}

function errorResult(error: ConnectFlowError | AppError): ConnectResult {
  const flow = error instanceof ConnectFlowError ? error : null;
  return {
    type: CONNECT_ERROR,
    error: { code: error.code, message: error.message, actor: flow?.actor ?? "end_user", aadsts: flow?.aadsts ?? null },
  };
}

/** The attempt got its result elsewhere meanwhile (the shutdown gave up on it); that result stands. */
class ResultAlreadyRecorded extends Error {}

/**
 * The browser-facing half of the OAuth dance: start (session token → Entra authorize URL) and the
 * callback (code → tokens → connection). Every attempt carries state, PKCE (S256) and a nonce, is
 * bound to the starting browser, expires, and can be used once.
 */
export class ConnectFlowService {
  private readonly now: Clock;

  constructor(
    private readonly deps: {
      config: Config;
      db: Kysely<Database>;
      attempts: AttemptStore;
      sessions: ConnectSessionService;
      connections: ConnectionService;
      entra: EntraClient;
      cipher: TokenCipher;
      outbox: WebhookOutbox;
      adminConsent: AdminConsentService;
      /** Discovers the user's Microsoft Advertising accounts once a connect stored the connection. */
      accounts: AccountSync;
      /** The account picker step that follows a successful sign-in. */
      picker: AccountPickerService;
      logger: Logger;
      now?: Clock;
    },
  ) {
    this.now = deps.now ?? systemClock;
  }

  /**
   * Attempts this process consumed whose result is not recorded yet, with the failure waiting to be
   * recorded (null while the callback is still working). The shutdown records what is left.
   */
  private readonly unfinished = new Map<string, { attempt: AttemptRow; failure: ConnectResult | null }>();
  private stopping = false;

  get redirectUri(): string {
    return signInRedirectUri(this.deps.config.publicUrl);
  }

  /**
   * The popup start URL. Nobody is sent to Microsoft from here: a connect link works for whoever
   * holds it, so the browser first proves it was opened by the product's page (the widget answers
   * the page's handshake) or the person confirms whom they connect for. `flow` is the widget's own
   * id for this click, echoed by the session status.
   */
  async start(sessionToken: string | undefined, origin: string | undefined, flow?: string): Promise<StartOutcome> {
    const { config } = this.deps;
    if (origin !== undefined && !config.allowedOrigins.includes(origin)) {
      const error = new AppError("origin_not_allowed", "This page is not allowed to connect Microsoft Advertising. The product team must add its origin to ALLOWED_ORIGINS.");
      return { kind: "error", status: 400, result: errorResult(error), origin: null };
    }
    let session: ConnectSessionRow;
    try {
      if (!sessionToken) throw new AppError("connect_session_invalid", "The connect session token is missing.", 401);
      session = await this.deps.sessions.resolve(sessionToken);
      this.deps.sessions.effectiveParams(session.integrations_config_defaults ? parseJson(session.integrations_config_defaults) : undefined);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return { kind: "error", status: err.status, result: errorResult(err), origin: origin ?? null };
    }

    // A change-accounts session skips Microsoft, but its link is guarded like a connect link: the
    // picker names the signed-in user and every account and changes the selection, so it opens only
    // after the handshake or the person's Continue (proceed), never on a bare page load.
    const changeAccounts = session.purpose === CHANGE_ACCOUNTS_PURPOSE;
    if (!changeAccounts) {
      // A tenant Entra does not know (AADSTS90002) shows now, before anyone is asked to confirm.
      const discovery = await this.discover(session, origin ?? null);
      if (discovery.kind === "error") return discovery;
    }

    const proof = newToken("");
    const binding = newToken("");
    const now = this.now();
    const ttl = config.attemptTtlSeconds;
    await this.deps.sessions.setPendingStart(session.id, {
      proofHash: hashToken(proof),
      bindingHash: hashToken(binding),
      origin: origin ?? null,
      flow: flow ?? null,
      expiresAt: now + ttl * 1000,
    });
    // The widget's polling sees the attempt from here: its popup may show the confirmation (COOP).
    await this.deps.sessions.markAttemptStarted(session.id, now, now + ttl * 1000, flow ?? null);
    return {
      kind: "page",
      proof,
      cookie: { name: startCookieName(session.id), value: binding, maxAgeSeconds: ttl },
      productName: config.productName,
      endUser: parseJson<EndUserInput>(session.end_user),
      origin: origin ?? null,
      flow: flow ?? null,
      changeAccounts,
    };
  }

  /** The account picker's form (see AccountPickerService.submit). */
  chooseAccounts(token: string | undefined, accountIds: string[], cookies: Record<string, string | undefined>): Promise<PickerOutcome> {
    return this.deps.picker.submit(token, accountIds, cookies);
  }

  /**
   * The start page's form: after the widget's handshake (submitted by the page's script) or the
   * person's Continue or Cancel. Needs the page's one-time proof and the browser that opened it.
   */
  async proceed(proof: string | undefined, decision: string | undefined, cookies: Record<string, string | undefined>): Promise<ProceedOutcome> {
    const refuse = (error: AppError, origin: string | null = null): ProceedOutcome => ({ kind: "error", status: error.status, result: errorResult(error), origin });
    const session = proof ? await this.deps.sessions.findByStartProof(proof) : undefined;
    if (!proof || !session) return refuse(new AppError("state_invalid", "This connect page is no longer valid. Start connecting again from the app."));
    const binding = cookies[startCookieName(session.id)];
    if (!binding || !session.start_binding_hash || !secretsEqual(hashToken(binding), session.start_binding_hash)) {
      return refuse(new AppError("attempt_browser_mismatch", "This connect page was opened in another browser or window. Start connecting again from the app.", 403));
    }
    if (!(await this.deps.sessions.claimPendingStart(session.id, proof))) {
      return refuse(new AppError("state_already_used", "This connect page was already used. Start connecting again from the app."));
    }
    const origin = session.start_origin;
    const flow = session.start_flow ?? undefined;
    if ((session.start_expires_at ?? 0) <= this.now()) return refuse(new AppError("attempt_expired", "This connect page was open too long and expired. Start connecting again from the app."), origin);
    try {
      await this.deps.sessions.resolveRow(session);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return refuse(err, origin);
    }
    const changeAccounts = session.purpose === CHANGE_ACCOUNTS_PURPOSE;
    if (decision === "cancel") {
      const result = errorResult(new ConnectFlowError("user_cancelled", changeAccounts ? "You cancelled. Nothing was changed." : "You cancelled. Nothing was connected.", "end_user"));
      await this.recordCancel(session, result);
      return { kind: "error", status: 200, result, origin };
    }
    if (changeAccounts) {
      const now = this.now();
      await this.deps.sessions.markAttemptStarted(session.id, now, now + this.deps.config.accountPicker.ttlSeconds * 1000, flow ?? null);
      return { ...(await this.deps.picker.openForChange(session, origin)), startCookieName: startCookieName(session.id) };
    }
    const outcome = await this.redirectToMicrosoft(session, origin ?? undefined, flow);
    return outcome.kind === "error" ? outcome : { ...outcome, startCookieName: startCookieName(session.id) };
  }

  /**
   * The session's effective parameters and Entra's configuration for its tenant; Entra refusing the
   * tenant (AADSTS90002) or not answering is a result page, before any attempt exists.
   */
  private async discover(session: ConnectSessionRow, origin: string | null): Promise<ErrorOutcome | { kind: "ok"; params: EffectiveParams; configuration: oidc.Configuration }> {
    const params = this.deps.sessions.effectiveParams(session.integrations_config_defaults ? parseJson(session.integrations_config_defaults) : undefined);
    try {
      return { kind: "ok", params, configuration: await this.deps.entra.configuration(params.tenant) };
    } catch (err) {
      if (!(err instanceof ConnectFlowError)) throw err;
      if (err.code === "provider_temporarily_unavailable") {
        return { kind: "error", status: 503, result: errorResult(err), origin, retryAfterSeconds: DISCOVERY_RETRY_AFTER_SECONDS };
      }
      return { kind: "error", status: err.actor === "none" ? 502 : 400, result: errorResult(err), origin };
    }
  }

  /** A new attempt (state, PKCE, nonce, browser binding) and Microsoft's authorize URL for it. */
  private async redirectToMicrosoft(session: ConnectSessionRow, origin: string | undefined, flow: string | undefined): Promise<ErrorOutcome | { kind: "redirect"; url: string; cookie: BindingCookie }> {
    const { config } = this.deps;
    const discovery = await this.discover(session, origin ?? null);
    if (discovery.kind === "error") return discovery;
    const { params, configuration } = discovery;
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const verifier = oidc.randomPKCECodeVerifier();
    const binding = newToken("");
    const attemptId = randomUUID();
    const createdAt = this.now();
    const ttl = config.attemptTtlSeconds;
    const inserted = await this.deps.attempts.insertBelowCap({
      id: attemptId,
      session_id: session.id,
      state_hash: hashToken(state),
      binding_hash: hashToken(binding),
      code_verifier_enc: await this.deps.cipher.encrypt(verifier, `attempt:${attemptId}`),
      nonce,
      origin: origin ?? null,
      tenant: params.tenant,
      scope: params.scope,
      pending_connection_id: session.reconnect_connection_id ?? randomUUID(),
      created_at: createdAt,
      expires_at: createdAt + ttl * 1000,
      consumed_at: null,
      code_hash: null,
      result: null,
    }, config.maxAttemptsPerSession);
    if (!inserted) {
      const error = new AppError("too_many_attempts", "This connect session has started too many sign-ins. Close this window and connect again from the app.", 429);
      return { kind: "error", status: 429, result: errorResult(error), origin: origin ?? null };
    }
    await this.deps.sessions.markAttemptStarted(session.id, createdAt, createdAt + ttl * 1000, flow ?? null);
    const url = oidc.buildAuthorizationUrl(configuration, {
      ...params.authorizationParams,
      redirect_uri: this.redirectUri,
      response_type: "code",
      response_mode: "query",
      scope: params.scope,
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    return { kind: "redirect", url: url.href, cookie: { name: bindingCookieName(state), value: binding, maxAgeSeconds: ttl } };
  }

  async callback(query: URLSearchParams, cookies: Record<string, string | undefined>): Promise<CallbackOutcome> {
    const state = query.get("state");
    const code = query.get("code");
    const refuse = (error: AppError): CallbackOutcome => ({ status: error.status, result: errorResult(error), origin: null });
    if (!state) return refuse(new AppError("state_invalid", "The sign-in response is missing its state. Connect again."));
    const attempt = await this.deps.attempts.findByStateHash(hashToken(state));
    if (!attempt) return refuse(new AppError("state_invalid", "This sign-in response does not belong to any connect attempt. Connect again."));
    const binding = cookies[bindingCookieName(state)];
    if (!binding || !secretsEqual(hashToken(binding), attempt.binding_hash)) {
      return refuse(new AppError("attempt_browser_mismatch", "This sign-in was started in another browser or window. Connect again from the app.", 403));
    }

    const codeHash = code ? hashToken(code) : null;
    const consumedAt = this.now();
    let consumed: boolean;
    try {
      consumed = await this.deps.attempts.consume(attempt.id, codeHash, consumedAt);
    } catch (err) {
      // Nothing is spent yet: the browser may load the same response again.
      if (err instanceof DatabaseBusyError) return { status: 503, result: DATABASE_BUSY, origin: attempt.origin };
      throw err;
    }
    const outcome = consumed ? await this.afterConsume({ ...attempt, consumed_at: consumedAt, code_hash: codeHash }, query) : await this.replay(attempt, codeHash);
    return this.withPicker(attempt, outcome);
  }

  /**
   * A success goes on to the account picker (or is decided without asking). The connection is
   * stored already: if this step fails, the page still reports the success and the held creation
   * webhook goes out at the picker's deadline without a selection.
   */
  private async withPicker(attempt: AttemptRow, outcome: CallbackOutcome): Promise<CallbackOutcome> {
    if (outcome.result.type !== CONNECT_SUCCESS || outcome.status !== 200) return outcome;
    try {
      const next = await this.deps.picker.present(attempt.session_id, outcome.result, attempt.origin);
      return next.kind === "result" ? { status: next.status, result: next.result, origin: next.origin, next } : { ...outcome, next };
    } catch (err) {
      this.deps.logger.error({ err, connectionId: outcome.result.connection_id }, "account picker step failed; the connection is kept");
      return outcome;
    }
  }

  private async afterConsume(attempt: AttemptRow, query: URLSearchParams): Promise<CallbackOutcome> {
    // The code is spent from here on: whatever happens, the browser gets a result page, the widget
    // a result, and the session a recorded result (or, failing that, the interrupted rule).
    this.unfinished.set(attempt.id, { attempt, failure: null });
    try {
      return { status: 200, result: await this.complete(attempt, query), origin: attempt.origin };
    } catch (err) {
      const busy = err instanceof DatabaseBusyError;
      if (busy) this.deps.logger.warn({ err }, "sign-in callback: database busy after the attempt was consumed");
      else this.deps.logger.error({ err }, "sign-in callback failed after the attempt was consumed");
      const result = busy ? DATABASE_BUSY : INTERNAL_ERROR;
      await this.recordOrRetry(attempt, result);
      return { status: busy ? 503 : 500, result, origin: attempt.origin };
    }
  }

  /** After `consume`: checks, code exchange, and the recorded result (a success or a failure). */
  private async complete(attempt: AttemptRow, query: URLSearchParams): Promise<ConnectResult> {
    const session = await this.deps.db.selectFrom("connect_sessions").selectAll().where("id", "=", attempt.session_id).executeTakeFirstOrThrow();
    let result: ConnectResult;
    try {
      if (attempt.expires_at <= this.now()) throw new AppError("attempt_expired", "The sign-in took too long and expired. Connect again.");
      if (session.completed_at !== null) throw new AppError("connect_session_used", "This connect session already connected an account.", 409);
      const error = query.get("error");
      if (error) throw fromAuthorizeError(error, query.get("error_description") ?? undefined);
      result = await this.exchange(attempt, session, query);
      this.unfinished.delete(attempt.id);
    } catch (err) {
      if (err instanceof ResultAlreadyRecorded) {
        this.unfinished.delete(attempt.id);
        const recorded = await this.deps.attempts.findByStateHash(attempt.state_hash);
        return recorded?.result ? parseJson<ConnectResult>(recorded.result) : SERVER_RESTARTING;
      }
      // Our own failures (a busy database, a bug) are the caller's to report and record.
      if (err instanceof DatabaseBusyError || (!(err instanceof AppError) && !(err instanceof ConnectFlowError))) throw err;
      result = errorResult(err);
      if (result.type === CONNECT_ERROR && result.error.code === "admin_consent_required") {
        const endUserId = parseJson<EndUserInput>(session.end_user).id;
        const link = { sessionId: session.id, endUserId, tenant: attempt.tenant, scope: attempt.scope };
        result.error.admin_consent_url = await this.deps.adminConsent.createLink(this.deps.db, link);
      }
      await this.recordOrRetry(attempt, result);
    }
    // The connection is stored: discover its accounts now (bounded; a failure is recorded on the
    // connection as accounts_error and retried by the sync job, never undoing the connect).
    if (result.type === CONNECT_SUCCESS) await this.deps.accounts.discoverAfterConnect(result.connection_id);
    return result;
  }

  /** Code → tokens → ID token checks → connection upsert, all or nothing. */
  private async exchange(attempt: AttemptRow, session: ConnectSessionRow, query: URLSearchParams): Promise<ConnectResult> {
    const configuration = await this.deps.entra.configuration(attempt.tenant);
    const currentUrl = new URL(this.redirectUri);
    currentUrl.search = query.toString();
    const verifier = await this.deps.cipher.decrypt(attempt.code_verifier_enc, `attempt:${attempt.id}`);
    const tokens = await oidc
      .authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: verifier,
        expectedState: query.get("state") ?? undefined,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      })
      .catch(async (err: unknown) => {
        throw await fromTokenRequestError(err);
      });
    if (!tokens.refresh_token) {
      throw new ConnectFlowError(
        "offline_access_missing",
        "Microsoft did not return a refresh token (the offline_access permission is missing), so the connection would stop working within an hour. The product team must allow offline_access for the app.",
        "product_team",
      );
    }
    const claims = tokens.claims();
    if (!claims || typeof claims.tid !== "string" || typeof claims.oid !== "string") {
      throw new ConnectFlowError("id_token_invalid", "Microsoft's ID token lacks the account's tenant and object ids.", "end_user");
    }
    const account = {
      tenant_id: claims.tid,
      object_id: claims.oid,
      username: typeof claims.preferred_username === "string" ? claims.preferred_username : claims.oid,
      display_name: typeof claims.name === "string" ? claims.name : null,
      account_type: claims.tid === CONSUMERS_TENANT_ID ? ("personal" as const) : ("work" as const),
    };
    const endUser = parseJson<EndUserInput>(session.end_user);
    const now = this.now();
    const result = await this.deps.db.transaction().execute(async (trx) => {
      // Claim the single-use session first: of two overlapping callbacks only one completes it; the
      // other one's transaction (connection included) is rolled back.
      const claimed = await trx
        .updateTable("connect_sessions")
        .set({ completed_at: now })
        .where("id", "=", session.id)
        .where("completed_at", "is", null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) {
        throw new AppError("connect_session_used", "This connect session already connected an account. Close this window and check the app.", 409);
      }
      const saved = await this.deps.connections.saveFromConnect(trx, {
        reconnectConnectionId: session.reconnect_connection_id,
        pendingConnectionId: attempt.pending_connection_id,
        endUser,
        organization: session.organization ? parseJson(session.organization) : null,
        tags: session.tags ? parseJson(session.tags) : {},
        account,
        tokens,
        scope: attempt.scope,
        tenant: attempt.tenant,
        authorizationParams: this.deps.sessions.effectiveParams(session.integrations_config_defaults ? parseJson(session.integrations_config_defaults) : undefined).authorizationParams,
        now,
      });
      const success: ConnectSuccess = {
        type: CONNECT_SUCCESS,
        connection_id: saved.connectionId,
        provider_config_key: PROVIDER_CONFIG_KEY,
        operation: saved.operation,
        account: { username: account.username, display_name: account.display_name, tenant_id: account.tenant_id, account_type: account.account_type },
        // Filled in by the account picker (or without asking) right after this.
        accounts: [],
      };
      const json = JSON.stringify(success);
      // The first recorded result wins: the shutdown may have given up on this attempt meanwhile.
      const recorded = await trx.updateTable("oauth_attempts").set({ result: json }).where("id", "=", attempt.id).where("result", "is", null).executeTakeFirst();
      if (Number(recorded.numUpdatedRows) !== 1) throw new ResultAlreadyRecorded();
      await trx.updateTable("connect_sessions").set({ last_result: json, last_result_at: now }).where("id", "=", session.id).execute();
      await IntegrationEventStore.record(trx, now, "connect_succeeded", saved.connectionId);
      await AdminConsentService.markVerified(trx, account.tenant_id, now);
      // Held back until the account picker's choice (which adds it and sends it at once); if no
      // choice comes, it goes out at the picker's deadline as it is.
      const pickerDeadline = now + this.deps.config.accountPicker.ttlSeconds * 1000;
      const webhook = authWebhook({ operation: saved.operation, success: true, connectionId: saved.connectionId, endUser, session, selection: { accounts: [], outcome: "not_chosen" } });
      const webhookId = await this.deps.outbox.enqueue(webhook, trx, { dueAt: pickerDeadline });
      await trx
        .updateTable("connect_sessions")
        .set({ picker_connection_id: saved.connectionId, picker_origin: attempt.origin, picker_expires_at: pickerDeadline, picker_webhook_id: webhookId })
        .where("id", "=", session.id)
        .execute();
      return success;
    });
    return result;
  }

  /** The person cancelled on the start page: the session's latest result says so (no webhook). */
  private async recordCancel(session: ConnectSessionRow, result: ConnectResult): Promise<void> {
    const now = this.now();
    await this.deps.db
      .updateTable("connect_sessions")
      .set({ last_result: JSON.stringify(result), last_result_at: now })
      .where("id", "=", session.id)
      .where("completed_at", "is", null)
      .execute();
  }

  /**
   * Records a failure; the first recorded result wins, so a late second one changes nothing. A
   * session another callback completed keeps its success: the product heard about it already.
   */
  private async recordFailure(attempt: AttemptRow, result: ConnectResult): Promise<void> {
    const json = JSON.stringify(result);
    const now = this.now();
    await this.deps.db.transaction().execute(async (trx) => {
      const recorded = await trx.updateTable("oauth_attempts").set({ result: json }).where("id", "=", attempt.id).where("result", "is", null).executeTakeFirst();
      if (Number(recorded.numUpdatedRows) !== 1) return;
      const session = await trx.selectFrom("connect_sessions").selectAll().where("id", "=", attempt.session_id).executeTakeFirst();
      if (!session || session.completed_at !== null) return;
      await trx.updateTable("connect_sessions").set({ last_result: json, last_result_at: now }).where("id", "=", session.id).execute();
      if (result.type === CONNECT_ERROR) {
        await IntegrationEventStore.record(trx, now, "connect_failed", null, result.error);
        const webhook = authWebhook({
          operation: session.reconnect_connection_id ? "override" : "creation",
          success: false,
          connectionId: attempt.pending_connection_id,
          endUser: parseJson<EndUserInput>(session.end_user),
          session,
          error: { type: result.error.code, description: result.error.message },
        });
        await this.deps.outbox.enqueue(webhook, trx);
      }
    });
  }

  /**
   * Records a failure of an attempt this process consumed. When the database refuses (busy, full),
   * retries in the background until the callback deadline; meanwhile a reload shows the failure.
   */
  private async recordOrRetry(attempt: AttemptRow, result: ConnectResult): Promise<void> {
    this.unfinished.set(attempt.id, { attempt, failure: result });
    const record = async (): Promise<boolean> => {
      try {
        await this.recordFailure(attempt, result);
        this.unfinished.delete(attempt.id);
        return true;
      } catch (err) {
        this.deps.logger.warn({ err, attemptId: attempt.id }, "could not record the sign-in result yet");
        return false;
      }
    };
    if (await record()) return;
    const giveUpAt = (attempt.consumed_at ?? this.now()) + CALLBACK_DEADLINE_MS;
    // Detached on purpose: the browser gets its page now; the shutdown records whatever is left.
    void (async () => {
      for (let wait = 500; !this.stopping && this.unfinished.has(attempt.id) && this.now() + wait < giveUpAt; wait = Math.min(wait * 2, 8000)) {
        await new Promise((resolve) => setTimeout(resolve, wait).unref());
        if (!this.stopping && (await record())) return;
      }
    })();
  }

  /**
   * For the shutdown: gives every attempt this process consumed and did not finish its result
   * (`server_restarting`, or the failure it could not record), so the widget's poll ends now.
   */
  async failUnfinished(): Promise<number> {
    this.stopping = true;
    const left = [...this.unfinished.values()];
    this.unfinished.clear();
    for (const { attempt, failure } of left) {
      await this.recordFailure(attempt, failure ?? SERVER_RESTARTING).catch((err: unknown) =>
        this.deps.logger.error({ err, attemptId: attempt.id }, "could not record the result of an unfinished sign-in"),
      );
    }
    return left.length;
  }

  /** At start: attempts a crashed process left consumed without a result get one. */
  async sweepInterrupted(): Promise<number> {
    const stale = await this.deps.attempts.findInterrupted(this.now() - CALLBACK_DEADLINE_MS, 100);
    for (const attempt of stale) await this.recordFailure(attempt, SIGN_IN_INTERRUPTED);
    return stale.length;
  }

  /**
   * The attempt was used already. The same callback URL loaded again (a reload, a double
   * navigation) shows the same result; anything else is a replay and is refused.
   */
  private async replay(attempt: AttemptRow, codeHash: string | null): Promise<CallbackOutcome> {
    const sameResponse = attempt.code_hash !== null && codeHash !== null && secretsEqual(attempt.code_hash, codeHash);
    if (!sameResponse) {
      const error = new AppError("state_already_used", "This sign-in response was already used. Connect again.");
      return { status: 400, result: errorResult(error), origin: null };
    }
    // A concurrent first load may still be exchanging the code; wait for its outcome.
    const deadline = this.now() + 15_000;
    let current: AttemptRow | undefined = attempt;
    while (current && current.result === null && this.now() < deadline) {
      const waiting = this.unfinished.get(attempt.id)?.failure;
      if (waiting) return { status: 200, result: waiting, origin: attempt.origin };
      if (wasInterrupted(current, this.now())) return { status: 200, result: SIGN_IN_INTERRUPTED, origin: attempt.origin };
      await new Promise((resolve) => setTimeout(resolve, 100));
      current = await this.deps.attempts.findByStateHash(attempt.state_hash);
    }
    if (!current?.result) {
      const error = new AppError("state_already_used", "This sign-in is still being processed. Close this window and check the app.", 409);
      return { status: 409, result: errorResult(error), origin: null };
    }
    return { status: 200, result: parseJson<ConnectResult>(current.result), origin: attempt.origin };
  }
}
