import { randomUUID } from "node:crypto";
import type { ConnectResult, EndUserInput } from "@ads-connect/shared";
import * as oidc from "openid-client";
import { AppError, ConnectFlowError } from "../errors.js";
import { signInRedirectUri } from "../oauth/redirectUris.js";
import type { ConnectSessionRow } from "../store/connectSessionStore.js";
import { countConnect } from "../telemetry/metrics.js";
import { currentTraceparent, joinTrace } from "../telemetry/tracing.js";
import { hashToken, newToken, secretsEqual } from "../tokens/secureToken.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseJson } from "../util/parseJson.js";
import { CHANGE_ACCOUNTS_PURPOSE } from "./accountPickerService.js";
import { ConnectOperations, endWithResult } from "./connectOperation.js";
import type { ConnectSessionService } from "./connectSessionService.js";
import {
  type BindingCookie,
  bindingCookieName,
  type ErrorOutcome,
  errorResult,
  type FlowDeps,
  type ProceedOutcome,
  type StartOutcome,
  startCookieName,
} from "./flowTypes.js";

/** What the popup's page tells the browser to wait when Entra's discovery did not answer. */
const DISCOVERY_RETRY_AFTER_SECONDS = 5;

type EffectiveParams = ReturnType<ConnectSessionService["effectiveParams"]>;

/**
 * The sign-in's first steps: the start page (session token → a page asking for the go-ahead),
 * its Continue (handshake or the person's click), then a new attempt and Microsoft's authorize URL.
 */
export class StartFlow {
  private readonly now: Clock;
  private readonly ops: ConnectOperations;

  constructor(private readonly deps: FlowDeps) {
    this.now = deps.now ?? systemClock;
    this.ops = new ConnectOperations(deps.operations);
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
      const error = new AppError(
        "origin_not_allowed",
        "This page is not allowed to connect Microsoft Advertising. The product team must add its origin to ALLOWED_ORIGINS.",
      );
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
    return joinTrace(session.trace_context, "ads_connect connect start", () => this.startPage(session, origin, flow));
  }

  private async startPage(session: ConnectSessionRow, origin: string | undefined, flow: string | undefined): Promise<StartOutcome> {
    const { config } = this.deps;
    // A change-accounts session skips Microsoft, but its link is guarded like a connect link: the
    // picker names the signed-in user and every account and changes the selection, so it opens only
    // after the handshake or the person's Continue (proceed), never on a bare page load.
    const changeAccounts = session.purpose === CHANGE_ACCOUNTS_PURPOSE;
    const locale = session.locale;
    // A new attempt: its operation in the log, kept on the session for the steps that follow.
    const op = this.ops.begin(session);
    op.log("info", changeAccounts ? "Start: change the connection's accounts" : "Start: connect page opened");
    if (!changeAccounts) {
      // A tenant Entra does not know (AADSTS90002) shows now, before anyone is asked to confirm.
      const discovery = await this.discover(session, origin ?? null);
      if (discovery.kind === "error") {
        endWithResult(op, discovery.result);
        return { ...discovery, locale };
      }
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
      operationId: op.id,
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
      locale,
    };
  }

  /**
   * The start page's form: after the widget's handshake (submitted by the page's script) or the
   * person's Continue or Cancel. Needs the page's one-time proof and the browser that opened it.
   */
  async proceed(
    proof: string | undefined,
    decision: string | undefined,
    cookies: Record<string, string | undefined>,
    browserLocale = "en",
  ): Promise<ProceedOutcome> {
    const refuse = (error: AppError, origin: string | null = null): ProceedOutcome => ({
      kind: "error",
      status: error.status,
      result: errorResult(error),
      origin,
    });
    const session = proof ? await this.deps.sessions.findByStartProof(proof) : undefined;
    if (!proof || !session) return refuse(new AppError("state_invalid", "This connect page is no longer valid. Start connecting again from the app."));
    return joinTrace(session.trace_context, "ads_connect connect continue", () => this.proceedFor(session, proof, decision, cookies, refuse, browserLocale));
  }

  private async proceedFor(
    session: ConnectSessionRow,
    proof: string,
    decision: string | undefined,
    cookies: Record<string, string | undefined>,
    refuse: (error: AppError, origin?: string | null) => ProceedOutcome,
    browserLocale: string,
  ): Promise<ProceedOutcome> {
    const locale = session.locale;
    const refuseIn = (error: AppError, o: string | null = null): ProceedOutcome => ({ ...(refuse(error, o) as ErrorOutcome), locale });
    const binding = cookies[startCookieName(session.id)];
    if (!binding || !session.start_binding_hash || !secretsEqual(hashToken(binding), session.start_binding_hash)) {
      return refuseIn(
        new AppError("attempt_browser_mismatch", "This connect page was opened in another browser or window. Start connecting again from the app.", 403),
      );
    }
    if (!(await this.deps.sessions.claimPendingStart(session.id, proof))) {
      return refuseIn(new AppError("state_already_used", "This connect page was already used. Start connecting again from the app."));
    }
    const origin = session.start_origin;
    const flow = session.start_flow ?? undefined;
    const op = this.ops.of(session);
    const fail = (error: AppError): ProceedOutcome => {
      op.fail(error);
      return refuseIn(error, origin);
    };
    if ((session.start_expires_at ?? 0) <= this.now())
      return fail(new AppError("attempt_expired", "This connect page was open too long and expired. Start connecting again from the app."));
    try {
      await this.deps.sessions.resolveRow(session);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return fail(err);
    }
    const changeAccounts = session.purpose === CHANGE_ACCOUNTS_PURPOSE;
    if (decision === "cancel") {
      countConnect("cancelled");
      const result = errorResult(
        new ConnectFlowError("user_cancelled", changeAccounts ? "You cancelled. Nothing was changed." : "You cancelled. Nothing was connected.", "end_user"),
      );
      await this.recordCancel(session, result);
      endWithResult(op, result);
      return { kind: "error", status: 200, result, origin, locale };
    }
    op.log("info", "Continue: the go-ahead was given (the widget's handshake or the person's click)");
    if (changeAccounts) {
      const now = this.now();
      await this.deps.sessions.markAttemptStarted(session.id, now, now + this.deps.config.accountPicker.ttlSeconds * 1000, flow ?? null);
      return { ...(await this.deps.picker.openForChange(session, origin)), startCookieName: startCookieName(session.id) };
    }
    // Microsoft's sign-in speaks the popup's language: the session's, else the browser's.
    const uiLocale = session.locale ?? browserLocale;
    const outcome = await this.redirectToMicrosoft(session, origin ?? undefined, flow, uiLocale);
    if (outcome.kind === "error") {
      endWithResult(op, outcome.result);
      return { ...outcome, locale };
    }
    op.log("info", "Sent to Microsoft's sign-in");
    return { ...outcome, startCookieName: startCookieName(session.id) };
  }

  /**
   * The session's effective parameters and Entra's configuration for its tenant; Entra refusing the
   * tenant (AADSTS90002) or not answering is a result page, before any attempt exists.
   */
  private async discover(
    session: ConnectSessionRow,
    origin: string | null,
  ): Promise<ErrorOutcome | { kind: "ok"; params: EffectiveParams; configuration: oidc.Configuration }> {
    const params = this.deps.sessions.effectiveParams(session.integrations_config_defaults ? parseJson(session.integrations_config_defaults) : undefined);
    try {
      return { kind: "ok", params, configuration: await this.deps.entra.configuration(params.tenant) };
    } catch (err) {
      if (!(err instanceof ConnectFlowError)) throw err;
      if (err.code === "provider_temporarily_unavailable") {
        return { kind: "error", status: 503, result: errorResult(err), origin, retryAfterSeconds: DISCOVERY_RETRY_AFTER_SECONDS };
      }
      return { kind: "error", status: err.status, result: errorResult(err), origin };
    }
  }

  /** A new attempt (state, PKCE, nonce, browser binding) and Microsoft's authorize URL for it. */
  private async redirectToMicrosoft(
    session: ConnectSessionRow,
    origin: string | undefined,
    flow: string | undefined,
    uiLocale: string,
  ): Promise<ErrorOutcome | { kind: "redirect"; url: string; cookie: BindingCookie }> {
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
    const inserted = await this.deps.stores.attempts.insertBelowCap(
      {
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
        trace_context: session.trace_context ?? currentTraceparent(),
      },
      config.maxAttemptsPerSession,
    );
    if (!inserted) {
      const error = new AppError(
        "too_many_attempts",
        "This connect session has started too many sign-ins. Close this window and connect again from the app.",
        429,
      );
      return { kind: "error", status: 429, result: errorResult(error), origin: origin ?? null };
    }
    await this.deps.sessions.markAttemptStarted(session.id, createdAt, createdAt + ttl * 1000, flow ?? null);
    const url = oidc.buildAuthorizationUrl(configuration, {
      // The product's own authorization_params (its ui_locales too) come after, so they win.
      ui_locales: uiLocale,
      ...params.authorizationParams,
      redirect_uri: signInRedirectUri(this.deps.config.publicUrl),
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

  /** The person cancelled on the start page: the session's latest result says so (no webhook). */
  private async recordCancel(session: ConnectSessionRow, result: ConnectResult): Promise<void> {
    const now = this.now();
    await this.deps.stores.sessions.recordResult(session.id, JSON.stringify(result), now, { openOnly: true });
  }
}
