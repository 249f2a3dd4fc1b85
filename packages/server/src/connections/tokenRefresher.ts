import { randomUUID } from "node:crypto";
import { PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import * as oidc from "openid-client";
import type { Logger } from "pino";
import type { Alerter } from "../alerts/slackAlerter.js";
import type { Config } from "../config.js";
import { AppError, ConnectFlowError } from "../errors.js";
import type { EntraClient } from "../oauth/entraClient.js";
import { fromTokenRequestError, isEntraThrottling } from "../oauth/translateEntraError.js";
import type { Operation } from "../oplog/operation.js";
import { OperationLog } from "../oplog/operationLog.js";
import type { ConnectionRow } from "../store/connectionStore.js";
import type { RefreshLeaseStore } from "../store/refreshLeaseStore.js";
import type { Stores } from "../store/stores.js";
import { recordRefresh } from "../telemetry/metrics.js";
import { errorCode, inSpan, operationAttributes } from "../telemetry/tracing.js";
import { decryptCredentials, type StoredCredentials } from "../tokens/storedCredentials.js";
import type { TokenCipher } from "../tokens/tokenCipher.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseJson } from "../util/parseJson.js";
import type { WebhookOutbox } from "../webhooks/webhookOutbox.js";
import {
  cappedRetryAfterMs,
  classify,
  DEFAULT_THROTTLE_MS,
  isBackground,
  MAX_RETRY_DELAY_MS,
  NoTokenBudget,
  type RefreshReason,
  retryAfterSeconds,
} from "./refreshFailures.js";
import { startRefreshOperation, tokenRequestStep } from "./refreshOperation.js";
import { RefreshOutcomes } from "./refreshOutcomes.js";
import type { TokenBudget } from "./tokenBudget.js";

/** How often an instance waiting for another one's refresh looks at the row again. */
const LEASE_POLL_MS = 50;

/**
 * Refreshes connections' tokens: one refresh per connection at a time in this process and across
 * instances sharing the database (a lease per connection; the others wait and serve its result),
 * bounded retries for transient failures, the rotated refresh token stored in the same
 * write as the new access token, and every failure class reported where it belongs.
 */
export class TokenRefresher {
  private readonly inflight = new Map<string, Promise<StoredCredentials>>();
  private readonly leases: RefreshLeaseStore;

  private readonly now: Clock;
  private readonly operations: OperationLog;
  private readonly outcomes: RefreshOutcomes;

  constructor(
    private readonly deps: {
      config: Config;
      /** Connections, refresh leases, and the transaction that stores a refresh with its event and webhook. */
      stores: Stores;
      cipher: TokenCipher;
      entra: EntraClient;
      outbox: WebhookOutbox;
      alerter: Alerter;
      logger: Logger;
      /** The app-wide token request budget and Entra's throttling, shared across instances. */
      budget: TokenBudget;
      now?: Clock;
      /** Waits between retries (tests can shorten it). */
      sleep?: (ms: number) => Promise<void>;
      /** Each refresh that goes to Microsoft is an `auth/refresh_token` operation. */
      operations?: OperationLog;
    },
  ) {
    this.now = deps.now ?? systemClock;
    this.operations = deps.operations ?? OperationLog.disabled();
    this.leases = deps.stores.leases;
    this.outcomes = new RefreshOutcomes({ ...deps, now: this.now });
  }

  /** Which of these connections are being refreshed now, by this instance or another one. */
  async refreshingAmong(connectionIds: string[]): Promise<Set<string>> {
    return this.refreshingWithLeases(connectionIds, await this.leases.heldAmong(connectionIds));
  }

  /** `refreshingAmong` when the caller read the live leases itself (`leased`, from the same database). */
  refreshingWithLeases(connectionIds: string[], leased: Set<string>): Set<string> {
    for (const id of connectionIds) if (this.inflight.has(id)) leased.add(id);
    return leased;
  }

  /**
   * New tokens for the connection; concurrent callers share one request to Microsoft, in this
   * process and across instances. `row` is what the caller read: tokens written after it (by
   * another instance's refresh) are served instead of refreshing again.
   */
  refresh(row: ConnectionRow, reason: RefreshReason): Promise<StoredCredentials> {
    const running = this.inflight.get(row.connection_id);
    if (running) {
      if (isBackground(reason)) return running;
      // A reader that joined a background refresh must not inherit its NoTokenBudget (a 500 found by
      // the chaos run): a reader's refresh is counted, never refused, so it refreshes on its own.
      return running.catch((err: unknown) => {
        if (err instanceof NoTokenBudget) return this.refresh(row, reason);
        throw err;
      });
    }
    const attributes = {
      ...operationAttributes({ type: "auth", action: "refresh_token", connectionId: row.connection_id, integration: PROVIDER_CONFIG_KEY }),
      "ads_connect.refresh.reason": reason,
    };
    const p = inSpan("ads_connect refresh_token", { attributes }, () => this.refreshLeased(row, reason)).finally(() => this.inflight.delete(row.connection_id));
    this.inflight.set(row.connection_id, p);
    return p;
  }

  /**
   * For background passes that have other connections to get to: refreshes like `refresh`, unless
   * some instance (this one or another) is refreshing the connection right now ("busy", at once,
   * without waiting: that refresh stores its tokens anyway), or the app's token request budget is
   * spent or Entra is throttling ("no_budget": the pass should stop). Several instances' passes
   * over the same due connections so share the work instead of queueing behind each other's leases.
   */
  async refreshUnlessBusy(row: ConnectionRow, reason: "ahead" | "idle"): Promise<"refreshed" | "busy" | "no_budget"> {
    if (this.inflight.has(row.connection_id)) return "busy";
    if (await this.leases.isHeld(row.connection_id)) return "busy";
    try {
      await this.refresh(row, reason);
      return "refreshed";
    } catch (err) {
      if (err instanceof NoTokenBudget) return "no_budget";
      throw err;
    }
  }

  /**
   * Takes the connection's lease (renewed while the refresh runs, released after) and refreshes; when
   * another instance holds it, waits for that refresh and serves its tokens, or takes over once the
   * lease is released without new tokens or expires (its holder died).
   */
  private async refreshLeased(seen: ConnectionRow, reason: RefreshReason): Promise<StoredCredentials> {
    const id = seen.connection_id;
    const leaseMs = this.deps.config.refreshLeaseSeconds * 1000;
    let logged = false;
    for (;;) {
      const holder = randomUUID();
      if (await this.leases.acquire(id, holder, leaseMs)) {
        const renew = setInterval(
          () => {
            this.leases.renew(id, holder, leaseMs).catch(() => {});
          },
          Math.max(250, leaseMs / 3),
        );
        try {
          // Refreshed by another instance between the caller's read and this lease: serve that.
          const fresh = await this.refreshedSince(seen);
          if (fresh) return fresh;
          return await this.refreshOnce(id, reason);
        } finally {
          clearInterval(renew);
          await this.leases.release(id, holder).catch(() => {});
        }
      }
      if (!logged) {
        this.deps.logger.debug({ connectionId: id, reason }, "token refresh running elsewhere; waiting for it");
        logged = true;
      }
      while (await this.leases.isHeld(id)) {
        const fresh = await this.refreshedSince(seen);
        if (fresh) return fresh;
        await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
      }
      const fresh = await this.refreshedSince(seen);
      if (fresh) return fresh;
    }
  }

  /** The stored tokens when they changed since `seen` was read (and the grant still works). */
  private async refreshedSince(seen: ConnectionRow): Promise<StoredCredentials | null> {
    const row = await this.deps.stores.connections.findByConnectionId(seen.connection_id);
    if (!row) throw new AppError("not_found", `No connection with id "${seen.connection_id}"`, 404);
    if (row.credentials_enc === seen.credentials_enc || row.status !== "connected") return null;
    return decryptCredentials(this.deps.cipher, row);
  }

  /** One refresh as an operation of the log (its failure, an AppError, carries the operation's id), counted in the metrics by outcome with its latency. */
  private async refreshOnce(connectionId: string, reason: RefreshReason): Promise<StoredCredentials> {
    const op = startRefreshOperation(this.operations, connectionId, reason);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const credentials = await this.refreshAttempts(connectionId, reason, op);
      recordRefresh("success", reason, seconds());
      op.succeed();
      return credentials;
    } catch (err) {
      if (err instanceof NoTokenBudget) {
        op.log("warn", `Not refreshed now: ${err.message}`);
        op.end("cancelled");
      } else {
        recordRefresh("failure", reason, seconds(), errorCode(err));
        op.fail(err);
      }
      throw err;
    }
  }

  private async refreshAttempts(connectionId: string, reason: RefreshReason, op: Operation): Promise<StoredCredentials> {
    const { config, logger } = this.deps;
    // Read the row now, not the caller's copy: another refresh may have rotated the token since.
    const row = await this.deps.stores.connections.findByConnectionId(connectionId);
    if (!row) throw new AppError("not_found", `No connection with id "${connectionId}"`, 404);
    op.update({ endUserId: row.end_user_id });
    if (row.status === "expired") throw new AppError("grant_expired", "The Microsoft connection has expired; the end user must reconnect.", 424);
    const current = await decryptCredentials(this.deps.cipher, row);
    const tenant = parseJson<{ tenant?: string }>(row.connection_config).tenant ?? config.microsoft.tenant;
    const log = logger.child({ connectionId, reason });
    const background = isBackground(reason);
    let waitedMs = 0;
    for (let attempt = 1; ; attempt++) {
      await this.takeBudget(background);
      let configuration: oidc.Configuration | null = null;
      const began = performance.now();
      const step = (status: number) => tokenRequestStep(op, configuration, began, { status, attempt, maxTries: config.refreshMaxTries, waitedMs });
      try {
        // Discovery too: an unreachable or refusing Entra is a refresh failure like any other.
        configuration = await this.deps.entra.configuration(tenant);
        const response = await oidc.refreshTokenGrant(configuration, current.refresh_token);
        step(200);
        const saved = await this.outcomes.saveSuccess(row, current, response);
        if (saved) return saved;
        log.info({ attempt }, "token refreshed, but the connection got new credentials meanwhile: result discarded");
        op.log("info", "Refreshed, but the connection got new credentials meanwhile (a reconnect): those are served");
        return await this.outcomes.superseded(connectionId, log);
      } catch (err) {
        const answered = (err as { status?: unknown }).status;
        if (!(err instanceof AppError)) step(typeof answered === "number" ? answered : 0);
        // Our own errors (the database, a superseded row) go up as they are; Entra's are translated.
        if (err instanceof AppError && !(err instanceof ConnectFlowError)) throw err;
        const error = await fromTokenRequestError(err);
        if (isEntraThrottling(err, error)) {
          // Every instance's background refreshes pause; readers get Retry-After instead of retries.
          const pauseMs = cappedRetryAfterMs(err) ?? DEFAULT_THROTTLE_MS;
          await this.deps.budget.throttle(pauseMs);
          log.warn({ attempt, aadsts: error.aadsts, pauseMs }, "Entra is throttling token requests: background refreshes paused");
          // Nothing is wrong with the connection: a background refresh just stops here.
          if (background) throw new NoTokenBudget("Entra is throttling token requests", (await this.deps.budget.throttledUntil()) ?? this.now() + pauseMs);
        }
        const kind = classify(error);
        if (kind === "transient" && attempt < config.refreshMaxTries) {
          const backoff = Math.min(MAX_RETRY_DELAY_MS, 250 * 2 ** (attempt - 1));
          const delayMs = cappedRetryAfterMs(err) ?? Math.round(backoff / 2 + (Math.random() * backoff) / 2);
          log.warn({ attempt, code: error.code, aadsts: error.aadsts, delayMs }, "token refresh failed, retrying");
          op.log("warn", `Attempt ${attempt} failed (${error.code}${error.aadsts ? `, AADSTS${error.aadsts}` : ""}): retrying in ${delayMs} ms`);
          waitedMs += delayMs;
          await (this.deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(delayMs);
          continue;
        }
        if (!(await this.outcomes.saveFailure(row, kind, error))) {
          log.info(
            { attempt, code: error.code, aadsts: error.aadsts },
            "token refresh failed, but the connection got new credentials meanwhile: failure discarded",
          );
          return this.outcomes.superseded(connectionId, log);
        }
        log.error({ attempt, code: error.code, aadsts: error.aadsts, class: kind }, "token refresh failed");
        const status = kind === "dead_grant" ? 424 : kind === "transient" ? 503 : 502;
        throw new AppError(error.code, error.message, status, { cause: err, ...(kind === "transient" ? { retryAfterSeconds: retryAfterSeconds(err) } : {}) });
      }
    }
  }

  /**
   * Background refreshes take from the app's budget (NoTokenBudget when it is spent or Entra is
   * throttling); a reader's refresh is counted, and fails fast with Retry-After while Entra throttles.
   */
  private async takeBudget(background: boolean): Promise<void> {
    const { budget } = this.deps;
    if (background) {
      if (!(await budget.tryTake())) throw new NoTokenBudget("the token request budget is spent", await budget.nextTryAt());
      return;
    }
    const until = await budget.throttledUntil();
    if (until !== null) {
      throw new AppError("provider_temporarily_unavailable", "Microsoft is receiving too many requests right now. Try again shortly.", 503, {
        retryAfterSeconds: Math.max(1, Math.ceil((until - this.now()) / 1000)),
      });
    }
    await budget.note();
  }
}
