import { CONNECT_ERROR, CONNECT_SUCCESS, type ConnectResult, type ConnectSuccess, type EndUserInput, PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import * as oidc from "openid-client";
import { AppError, ConnectFlowError } from "../errors.js";
import { signInRedirectUri } from "../oauth/redirectUris.js";
import { fromAuthorizeError, fromTokenRequestError } from "../oauth/translateEntraError.js";
import type { Operation } from "../oplog/operation.js";
import type { ConnectSessionRow } from "../store/connectSessionStore.js";
import { DatabaseBusyError } from "../store/databaseBusy.js";
import type { AttemptRow } from "../store/oauthAttemptStore.js";
import { joinTrace } from "../telemetry/tracing.js";
import { hashToken, secretsEqual } from "../tokens/secureToken.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseJson } from "../util/parseJson.js";
import { authWebhook } from "../webhooks/authWebhook.js";
import { ConnectOperations, endWithResult } from "./connectOperation.js";
import { bindingCookieName, type CallbackOutcome, countConnectResult, errorResult, type FlowDeps } from "./flowTypes.js";
import type { ResultRecorder } from "./resultRecorder.js";
import { DATABASE_BUSY, INTERNAL_ERROR, SERVER_RESTARTING, SIGN_IN_INTERRUPTED, wasInterrupted } from "./signInFailures.js";

export const CONSUMERS_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad";

/**
 * The attempt got its result elsewhere meanwhile (the shutdown gave up on it); that result stands.
 * Internal, not an AppError: `complete` catches it and serves the recorded result.
 */
class ResultAlreadyRecorded extends Error {}

/**
 * The sign-in's return from Microsoft: the callback checks the attempt and its browser, consumes
 * it once, exchanges the code and records the connection in one transaction, then hands a success
 * to the account picker. A reload of the same response shows the same result.
 */
export class CallbackFlow {
  private readonly now: Clock;
  private readonly ops: ConnectOperations;

  constructor(
    private readonly deps: FlowDeps,
    private readonly results: ResultRecorder,
  ) {
    this.now = deps.now ?? systemClock;
    this.ops = new ConnectOperations(deps.operations);
  }

  async callback(query: URLSearchParams, cookies: Record<string, string | undefined>): Promise<CallbackOutcome> {
    const state = query.get("state");
    const code = query.get("code");
    const refuse = (error: AppError): CallbackOutcome => ({ status: error.status, result: errorResult(error), origin: null });
    if (!state) return refuse(new AppError("state_invalid", "The sign-in response is missing its state. Connect again."));
    const attempt = await this.deps.stores.attempts.findByStateHash(hashToken(state));
    if (!attempt) return refuse(new AppError("state_invalid", "This sign-in response does not belong to any connect attempt. Connect again."));
    return joinTrace(attempt.trace_context, "ads_connect connect callback", () => this.callbackFor(attempt, state, code, query, cookies));
  }

  private async callbackFor(
    attempt: AttemptRow,
    state: string,
    code: string | null,
    query: URLSearchParams,
    cookies: Record<string, string | undefined>,
  ): Promise<CallbackOutcome> {
    const refuse = (error: AppError): CallbackOutcome => ({ status: error.status, result: errorResult(error), origin: null });
    const binding = cookies[bindingCookieName(state)];
    if (!binding || !secretsEqual(hashToken(binding), attempt.binding_hash)) {
      return refuse(new AppError("attempt_browser_mismatch", "This sign-in was started in another browser or window. Connect again from the app.", 403));
    }
    // The result page speaks the session's language (set by the product) on whichever instance it lands.
    const session = await this.deps.stores.sessions.findById(attempt.session_id);
    const locale = session?.locale ?? null;

    const codeHash = code ? hashToken(code) : null;
    const consumedAt = this.now();
    let consumed: boolean;
    try {
      consumed = await this.deps.stores.attempts.consume(attempt.id, codeHash, consumedAt);
    } catch (err) {
      // Nothing is spent yet: the browser may load the same response again.
      if (err instanceof DatabaseBusyError) return { status: 503, result: DATABASE_BUSY, origin: attempt.origin, locale };
      throw err;
    }
    if (!consumed) return { ...(await this.withPicker(attempt, await this.replay(attempt, codeHash), null)), locale };
    // The attempt's operation, started with the start page (maybe on another instance).
    const op = session ? this.ops.of(session) : null;
    op?.log("info", query.get("error") ? "Callback: Microsoft answered with an error" : "Callback: back from Microsoft's sign-in");
    const outcome = await this.afterConsume({ ...attempt, consumed_at: consumedAt, code_hash: codeHash }, query, op);
    if (outcome.result.type !== CONNECT_SUCCESS && op) endWithResult(op, outcome.result);
    return { ...(await this.withPicker(attempt, outcome, op)), locale };
  }

  /**
   * A success goes on to the account picker (or is decided without asking). The connection is
   * stored already: if this step fails, the page still reports the success and the held creation
   * webhook goes out at once without a selection.
   */
  private async withPicker(attempt: AttemptRow, outcome: CallbackOutcome, op: Operation | null): Promise<CallbackOutcome> {
    if (outcome.result.type !== CONNECT_SUCCESS || outcome.status !== 200) return outcome;
    try {
      // The picker records its steps and the result on the operation.
      const next = await this.deps.picker.present(attempt.session_id, outcome.result, attempt.origin);
      return next.kind === "result" ? { status: next.status, result: next.result, origin: next.origin, next } : { ...outcome, next };
    } catch (err) {
      this.deps.logger.error({ err, connectionId: outcome.result.connection_id }, "account picker step failed; the connection is kept");
      op?.log("error", "The account picker step failed; the connection is kept");
      op?.succeed();
      await this.closeFailedPicker(attempt.session_id).catch((closeErr: unknown) => {
        this.deps.logger.error({ err: closeErr }, "could not close the failed account picker step");
      });
      return outcome;
    }
  }

  /**
   * Armed, a picker that failed would make the session's status read `authorizing` until its
   * deadline, and its held creation webhook would wait for it (after a deletion, maybe): spent, the
   * status reads the recorded success and the webhook goes now, without a selection.
   */
  private async closeFailedPicker(sessionId: string): Promise<void> {
    const { sessions, webhooks } = this.deps.stores;
    await sessions.spendPicker(sessionId, this.now(), null);
    const webhookId = (await sessions.findById(sessionId))?.picker_webhook_id;
    const body = webhookId ? await webhooks.body(webhookId) : undefined;
    if (webhookId && body) await webhooks.release(webhookId, body, this.now());
  }

  private async afterConsume(attempt: AttemptRow, query: URLSearchParams, op: Operation | null): Promise<CallbackOutcome> {
    // The code is spent from here on: whatever happens, the browser gets a result page, the widget
    // a result, and the session a recorded result (or, failing that, the interrupted rule).
    this.results.begin(attempt);
    try {
      return { status: 200, result: await this.complete(attempt, query, op), origin: attempt.origin };
    } catch (err) {
      const busy = err instanceof DatabaseBusyError;
      if (busy) this.deps.logger.warn({ err }, "sign-in callback: database busy after the attempt was consumed");
      else this.deps.logger.error({ err }, "sign-in callback failed after the attempt was consumed");
      const result = busy ? DATABASE_BUSY : INTERNAL_ERROR;
      countConnectResult(result);
      await this.results.recordOrRetry(attempt, result);
      return { status: busy ? 503 : 500, result, origin: attempt.origin };
    }
  }

  /** After `consume`: checks, code exchange, and the recorded result (a success or a failure). */
  private async complete(attempt: AttemptRow, query: URLSearchParams, op: Operation | null): Promise<ConnectResult> {
    const session = await this.deps.stores.sessions.findById(attempt.session_id);
    if (!session) throw new Error(`the attempt's connect session ${attempt.session_id} is missing`);
    let result: ConnectResult;
    try {
      if (attempt.expires_at <= this.now()) throw new AppError("attempt_expired", "The sign-in took too long and expired. Connect again.");
      if (session.completed_at !== null) throw new AppError("connect_session_used", "This connect session already connected an account.", 409);
      const error = query.get("error");
      if (error) throw fromAuthorizeError(error, query.get("error_description") ?? undefined);
      result = await this.exchange(attempt, session, query, op);
      this.results.settled(attempt.id);
    } catch (err) {
      if (err instanceof ResultAlreadyRecorded) {
        this.results.settled(attempt.id);
        const recorded = await this.deps.stores.attempts.findByStateHash(attempt.state_hash);
        return recorded?.result ? parseJson<ConnectResult>(recorded.result) : SERVER_RESTARTING;
      }
      // Our own failures (a busy database, a bug) are the caller's to report and record.
      if (err instanceof DatabaseBusyError || !(err instanceof AppError)) throw err;
      result = errorResult(err);
      if (result.type === CONNECT_ERROR && result.error.code === "admin_consent_required") {
        const endUserId = parseJson<EndUserInput>(session.end_user).id;
        const link = { sessionId: session.id, endUserId, tenant: attempt.tenant, scope: attempt.scope };
        result.error.admin_consent_url = await this.deps.adminConsent.createLink(link);
      }
      await this.results.recordOrRetry(attempt, result);
    }
    countConnectResult(result);
    // The connection is stored: discover its accounts now (bounded; a failure is recorded on the
    // connection as accounts_error and retried by the sync job, never undoing the connect).
    if (result.type === CONNECT_SUCCESS) {
      op?.update({ connectionId: result.connection_id });
      op?.log("info", `Connection stored (${result.operation})`);
      await this.deps.accounts.discoverAfterConnect(result.connection_id, op ?? undefined);
    }
    return result;
  }

  /** Code → tokens → ID token checks → connection upsert, all or nothing. */
  private async exchange(attempt: AttemptRow, session: ConnectSessionRow, query: URLSearchParams, op: Operation | null): Promise<ConnectResult> {
    const configuration = await this.deps.entra.configuration(attempt.tenant);
    const currentUrl = new URL(signInRedirectUri(this.deps.config.publicUrl));
    currentUrl.search = query.toString();
    const verifier = await this.deps.cipher.decrypt(attempt.code_verifier_enc, `attempt:${attempt.id}`);
    const began = performance.now();
    const tokenEndpoint = new URL(configuration.serverMetadata().token_endpoint ?? "https://login.microsoftonline.com/token");
    // The code exchange as an HTTP step (host and path only: the code and tokens never reach the log).
    const step = (status: number) =>
      op?.http({
        method: "POST",
        host: tokenEndpoint.host,
        path: tokenEndpoint.pathname,
        status,
        durationMs: performance.now() - began,
        message: "code exchange",
      });
    const tokens = await oidc
      .authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: verifier,
        expectedState: query.get("state") ?? undefined,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      })
      .catch(async (err: unknown) => {
        const status = (err as { status?: unknown }).status;
        step(typeof status === "number" ? status : 0);
        throw await fromTokenRequestError(err);
      });
    step(200);
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
    const result = await this.deps.stores.transaction(async (tx) => {
      // Claim the single-use session first: of two overlapping callbacks only one completes it; the
      // other one's transaction (connection included) is rolled back.
      if (!(await tx.sessions.claimCompletion(session.id, now))) {
        throw new AppError("connect_session_used", "This connect session already connected an account. Close this window and check the app.", 409);
      }
      const saved = await this.deps.connections.saveFromConnect(tx, {
        reconnectConnectionId: session.reconnect_connection_id,
        pendingConnectionId: attempt.pending_connection_id,
        endUser,
        organization: session.organization ? parseJson(session.organization) : null,
        tags: session.tags ? parseJson(session.tags) : {},
        account,
        tokens,
        scope: attempt.scope,
        tenant: attempt.tenant,
        authorizationParams: this.deps.sessions.effectiveParams(
          session.integrations_config_defaults ? parseJson(session.integrations_config_defaults) : undefined,
        ).authorizationParams,
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
      if (!(await tx.attempts.recordResultOnce(attempt.id, json))) throw new ResultAlreadyRecorded();
      await tx.sessions.recordResult(session.id, json, now);
      await tx.events.record(now, "connect_succeeded", saved.connectionId);
      // A sign-in from the tenant worked: its browser-reported admin approval (if any) is now verified.
      await tx.adminConsents.markVerified(account.tenant_id, now);
      // Held back until the account picker's choice (which adds it and sends it at once); if no
      // choice comes, it goes out at the picker's deadline as it is.
      const pickerDeadline = now + this.deps.config.accountPicker.ttlSeconds * 1000;
      const webhook = authWebhook({
        operation: saved.operation,
        success: true,
        connectionId: saved.connectionId,
        endUser,
        session,
        selection: { accounts: [], outcome: "not_chosen" },
      });
      const webhookId = await this.deps.outbox.enqueue(webhook, tx.webhooks, { dueAt: pickerDeadline });
      await tx.sessions.armPickerAfterConnect(session.id, {
        picker_connection_id: saved.connectionId,
        picker_origin: attempt.origin,
        picker_expires_at: pickerDeadline,
        picker_webhook_id: webhookId,
      });
      return success;
    });
    return result;
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
      const waiting = this.results.pendingFailure(attempt.id);
      if (waiting) return { status: 200, result: waiting, origin: attempt.origin };
      if (wasInterrupted(current, this.now())) return { status: 200, result: SIGN_IN_INTERRUPTED, origin: attempt.origin };
      await new Promise((resolve) => setTimeout(resolve, 100));
      current = await this.deps.stores.attempts.findByStateHash(attempt.state_hash);
    }
    if (!current?.result) {
      const error = new AppError("state_already_used", "This sign-in is still being processed. Close this window and check the app.", 409);
      return { status: 409, result: errorResult(error), origin: null };
    }
    return { status: 200, result: parseJson<ConnectResult>(current.result), origin: attempt.origin };
  }
}
