import type { Readable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { parseJsonText, PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { AppError } from "../errors.js";
import type { MsAdsClient } from "../msads/msadsClient.js";
import { faultErrors, parseFault, type MsAdsFaultError } from "../msads/MsAdsError.js";
import type { ConnectionService } from "../connections/connectionService.js";
import { USER_HOLD_PREFIX } from "../store/proxyHoldStore.js";
import type { ProxyHoldReason } from "../store/schema.js";
import type { Stores } from "../store/stores.js";
import { resolveProxyAccount, type ProxyAccountHeaders } from "./proxyAccount.js";
import { boundedStream, readRequestBody, readResponseBody, responseTooLarge, type ProxyBody } from "./proxyBody.js";
import { ProxyMsAdsError } from "./proxyErrors.js";
import { checkCallerHeaders, keptResponseHeaders } from "./proxyHeaders.js";
import { ProxyHolds } from "./proxyHolds.js";
import { isAllowedUrl, resolveTarget, type ProxyAllowList } from "./proxyTarget.js";
import { systemClock, type Clock } from "../util/clock.js";

export type { ProxyBody } from "./proxyBody.js";
export { ProxyMsAdsError, type ProxyMsAdsDetails } from "./proxyErrors.js";

/** One call to Microsoft Advertising through the proxy (the HTTP route's and actions' shape). */
export interface ProxyCall {
  connectionId: string;
  /** When given, must be "microsoft-ads". */
  providerConfigKey?: string | undefined;
  method: string;
  /** Path and query, e.g. `/CampaignManagement/v13/Campaigns/QueryByAccountId`: the host follows from the service. */
  endpoint: string;
  /** The caller's own headers for Microsoft (Content-Type, default application/json with a body; Accept …); credentials and hop-by-hop ones are refused. */
  headers?: Record<string, string> | undefined;
  body?: ProxyBody;
  /** Another of the connection's customers / accounts than the selected one. */
  customerId?: string | null | undefined;
  accountId?: string | null | undefined;
  /** Retries of 5xx answers and network errors (0-10; default 0), for idempotent methods or statuses in `retryOn`. */
  retries?: number | undefined;
  /** HTTP statuses retried whatever the method (Microsoft's API is all POST). */
  retryOn?: number[] | undefined;
  /** Another allowed base URL (Nango's Base-Url-Override). */
  baseUrlOverride?: string | null | undefined;
  signal?: AbortSignal | undefined;
}

export interface ProxyResponse {
  status: number;
  /** Microsoft's response headers that are safe to pass on (the listed ones only: PASSED_RESPONSE_HEADERS in proxyHeaders.ts). */
  headers: Record<string, string>;
  /** JSON answers as bytes (parsed in `json`), anything else (report files…) as a stream. */
  body: Buffer | Readable;
  json?: unknown;
  /** `PartialErrors` of a batch operation that answered 200 (the items that failed), parsed. */
  partialErrors: MsAdsFaultError[];
  trackingId: string | null;
}

export const MAX_PROXY_RETRIES = 10;
const METHODS = new Set(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]);
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
const MAX_REDIRECTS = 3;

/**
 * The credential-injecting proxy to Microsoft Advertising: picks the host from the service in the
 * path (allow-list only), injects a fresh access token, the developer token and the customer and
 * account, bounds sizes and time, turns faults into typed errors, refreshes once on 109/401, holds a
 * customer after 117 (shared by instances through the database) and retries 5xx/network errors.
 *
 * @example
 * const answer = await services.proxy.call({
 *   connectionId, method: "POST", endpoint: "/CampaignManagement/v13/Campaigns/QueryByAccountId",
 *   body: JSON.stringify({ AccountId: accountId }), // sent as application/json unless headers say otherwise
 * });
 * const { Campaigns } = answer.json as { Campaigns: unknown[] };
 */
export class ProxyService {
  private readonly holds: ProxyHolds;
  private readonly allow: ProxyAllowList;
  private readonly now: Clock;

  constructor(
    private readonly deps: { config: Config; stores: Pick<Stores, "connections" | "adAccounts" | "holds">; connections: ConnectionService; msads: MsAdsClient; logger: Logger; now?: Clock },
  ) {
    this.now = deps.now ?? systemClock;
    this.holds = new ProxyHolds(deps.stores.holds, deps.config.proxy.maxHoldSeconds * 1000, deps.now);
    this.allow = { environment: deps.config.microsoft.adsEnvironment, apiUrl: deps.config.microsoft.adsApiUrl };
  }

  async call(call: ProxyCall): Promise<ProxyResponse> {
    const limits = this.deps.config.proxy;
    if (call.providerConfigKey !== undefined && call.providerConfigKey !== PROVIDER_CONFIG_KEY) throw new AppError("unknown_provider_config", `Provider-Config-Key must be "${PROVIDER_CONFIG_KEY}"`);
    const method = call.method.toUpperCase();
    if (!METHODS.has(method)) throw new AppError("proxy_refused", `The method ${call.method} is not proxied`, 405);
    if (this.deps.config.microsoft.emulatorUrl && !this.deps.config.microsoft.adsApiUrl) {
      // The Entra emulator's tokens mean nothing to Microsoft: nothing is sent (as account discovery).
      throw new AppError("msads_not_configured", "Sign-in uses the Entra emulator (ENTRA_EMULATOR_URL) but MICROSOFT_ADS_API_URL is not set, so no call was sent to Microsoft Advertising; start the Microsoft Advertising emulator (npx msads-emulator) and set MICROSOFT_ADS_API_URL to its URL", 503);
    }
    const target = resolveTarget(call.endpoint, this.allow, call.baseUrlOverride);
    const callerHeaders = checkCallerHeaders(call.headers ?? {});
    const retries = call.retries ?? 0;
    if (!Number.isInteger(retries) || retries < 0 || retries > MAX_PROXY_RETRIES) throw new AppError("invalid_body", `Retries must be 0-${MAX_PROXY_RETRIES}`);
    const operation = new URL(target.url).pathname.replace(/^.*?\/[A-Za-z]+\/v\d+\//, "");

    // One deadline from the start of the call: the body's read, the token refresh, every attempt and backoff.
    const timeout = AbortSignal.timeout(limits.timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    /** A wait the signal cut: past the deadline (504), or the caller went away. */
    const stopped = (err: unknown): never => {
      if (err instanceof AppError) throw err;
      if (timeout.aborted) throw timedOut(operation, limits.timeoutMs);
      if (call.signal?.aborted) throw cancelled();
      throw err;
    };
    const body = await readRequestBody(call.body, limits.maxRequestBytes, signal).catch(stopped);
    // Microsoft's REST API takes JSON: the default type of a body sent without one.
    if (body && !callerHeaders["content-type"]) callerHeaders["content-type"] = "application/json";

    const account = await resolveProxyAccount(this.deps.stores, call.connectionId, { customerId: call.customerId, accountId: call.accountId });
    const holdKey = account.customerId ?? `${USER_HOLD_PREFIX}${call.connectionId}`;
    const log = { connectionId: call.connectionId, service: target.service, operation, customerId: account.customerId };

    let accessToken: string | null = null;
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      await this.refuseWhileHeld(holdKey);
      // After the hold check: a held customer costs no token refresh.
      // The wait for a refresh ends at the deadline; the refresh itself finishes and stores its tokens.
      accessToken ??= await this.deps.connections.accessToken(call.connectionId, { signal }).catch(stopped);
      // 5xx and network errors for idempotent methods; any status the caller lists in Retry-On.
      const retryable = (status: number | null) => attempt < retries && ((status !== null && call.retryOn?.includes(status) === true) || ((status === null || status >= 500) && IDEMPOTENT.has(method)));
      let response: Response;
      try {
        response = await this.send(target.url, method, { ...callerHeaders, ...this.deps.msads.headersFor({ accessToken, ...account }) }, body, signal);
      } catch (err) {
        if (err instanceof AppError || signal.aborted) stopped(err);
        if (retryable(null)) {
          await this.backoff(attempt, signal);
          continue;
        }
        this.deps.logger.warn({ ...log, attempts: attempt + 1 }, "Microsoft Advertising could not be reached through the proxy");
        throw new AppError("msads_unreachable", `Microsoft Advertising ${operation} could not be reached`, 502, { retryAfterSeconds: 5 });
      }
      const trackingId = response.headers.get("trackingid");
      const type = response.headers.get("content-type") ?? "";
      const length = Number(response.headers.get("content-length") ?? NaN);
      if (length > limits.maxResponseBytes) {
        await response.body?.cancel().catch(() => {});
        throw responseTooLarge(limits.maxResponseBytes);
      }
      if (response.ok && !/json/i.test(type)) {
        return { status: response.status, headers: keptResponseHeaders(response.headers), body: boundedStream(response.body, limits.maxResponseBytes), partialErrors: [], trackingId };
      }
      const bytes = await readResponseBody(response.body, limits.maxResponseBytes).catch((err: unknown) => {
        if (err instanceof AppError) throw err;
        if (timeout.aborted) throw timedOut(operation, limits.timeoutMs);
        throw new AppError("msads_unreachable", `Microsoft Advertising ${operation} broke off its answer`, 502, { retryAfterSeconds: 5 });
      });
      const text = bytes.toString("utf8");
      const json = text ? parseJsonText(text) : undefined;
      const fault = parseFault(json, response.status, operation);
      // 109, or a 401 without a fault naming another cause (105 InvalidCredentials and 106
      // UserIsNotAuthorized are 401s a new token does not mend).
      if (!refreshed && (fault?.has(109) || (response.status === 401 && !fault?.codes.length))) {
        // The token Microsoft saw expired (or was revoked) early: exactly one forced refresh and one retry.
        refreshed = true;
        this.deps.logger.info({ ...log, trackingId: fault?.trackingId ?? trackingId }, "Microsoft Advertising refused the access token (109/401): refreshing it once and retrying");
        accessToken = await this.deps.connections.accessToken(call.connectionId, { forceRefresh: true, signal }).catch(stopped);
        attempt--;
        continue;
      }
      if (fault?.has(117) || response.status === 429) {
        const callRate = fault?.has(117) === true;
        const seconds = holdSeconds(retryAfterSeconds(response.headers.get("retry-after")), callRate, limits);
        await this.holds.hold(holdKey, seconds * 1000, callRate ? "call_rate_exceeded" : "too_many_requests");
        this.deps.logger.warn({ ...log, trackingId: fault?.trackingId ?? trackingId, holdSeconds: seconds, callRate }, "Microsoft Advertising is throttling this customer (429): holding its proxied calls");
        throw rateLimited(seconds, fault ? ProxyMsAdsError.from(fault, response.status, trackingId, text, operation) : null, callRate ? "call_rate_exceeded" : "too_many_requests");
      }
      if (!response.ok && retryable(response.status)) {
        await this.backoff(attempt, signal);
        continue;
      }
      if (fault || !response.ok) {
        const error = ProxyMsAdsError.from(fault, response.status, trackingId, text, operation);
        this.deps.logger.info({ ...log, status: response.status, msadsCodes: error.msads.codes, trackingId: error.msads.tracking_id }, "Microsoft Advertising answered an error through the proxy");
        throw error;
      }
      const partial = json && typeof json === "object" ? (json as { PartialErrors?: unknown }).PartialErrors : undefined;
      const partialErrors = Array.isArray(partial) ? faultErrors(partial) : [];
      return { status: response.status, headers: keptResponseHeaders(response.headers), body: bytes, json, partialErrors, trackingId };
    }
  }

  /** One request; redirects followed only while they stay on the allow-list (`redirect: "manual"`). */
  private async send(url: string, method: string, headers: Record<string, string>, body: Buffer | null, signal: AbortSignal): Promise<Response> {
    let current = url;
    let currentMethod = method;
    let currentBody = body;
    for (let hop = 0; ; hop++) {
      const response = await fetch(current, {
        method: currentMethod,
        headers,
        ...(currentBody && currentMethod !== "GET" && currentMethod !== "HEAD" ? { body: new Uint8Array(currentBody) } : {}),
        redirect: "manual",
        signal,
      });
      if (response.status < 300 || response.status >= 400 || response.status === 304) return response;
      await response.body?.cancel().catch(() => {});
      const location = response.headers.get("location");
      const next = location ? safeUrl(location, current) : null;
      if (!next || !isAllowedUrl(next, this.allow) || hop >= MAX_REDIRECTS) {
        throw new AppError("proxy_redirect_refused", "Microsoft Advertising answered with a redirect that leaves the allowed Microsoft Advertising hosts; it was not followed", 502);
      }
      current = next.href;
      if (response.status !== 307 && response.status !== 308) {
        currentMethod = "GET";
        currentBody = null;
      }
    }
  }

  private async refuseWhileHeld(key: string): Promise<void> {
    const hold = await this.holds.held(key);
    if (hold) throw rateLimited(Math.max(1, Math.ceil((hold.until - this.now()) / 1000)), null, hold.reason);
  }

  /** Exponential backoff with jitter: base·2^attempt plus up to one base more. */
  private async backoff(attempt: number, signal: AbortSignal): Promise<void> {
    const base = this.deps.config.proxy.retryBaseMs;
    try {
      await delay(base * 2 ** attempt + Math.random() * base, undefined, { signal });
    } catch {
      throw timedOut("call", this.deps.config.proxy.timeoutMs);
    }
  }
}

function timedOut(operation: string, ms: number): AppError {
  return new AppError("msads_timeout", `Microsoft Advertising ${operation} did not complete within the proxy's ${ms / 1000} s (PROXY_TIMEOUT_SECONDS)`, 504);
}

function cancelled(): AppError {
  return new AppError("msads_unreachable", "The call was cancelled", 499);
}

/**
 * How long a 429 holds the customer: after 117 (a 60-second call-rate window) at least
 * PROXY_THROTTLE_HOLD_SECONDS, else Microsoft's Retry-After or PROXY_429_HOLD_SECONDS; never more
 * than PROXY_MAX_HOLD_SECONDS, whatever Retry-After says.
 */
function holdSeconds(retryAfter: number | null, callRate: boolean, limits: Config["proxy"]): number {
  const wanted = callRate ? Math.max(retryAfter ?? 0, limits.throttleHoldSeconds) : (retryAfter ?? limits.http429HoldSeconds);
  return Math.max(1, Math.min(wanted, limits.maxHoldSeconds));
}

const HOLD_CAUSE: Record<ProxyHoldReason, string> = { call_rate_exceeded: "117 CallRateExceeded", too_many_requests: "HTTP 429" };

/** `reason`: why this answer (or the hold in place: null on holds from before reasons were kept). */
function rateLimited(seconds: number, fault: ProxyMsAdsError | null, reason: ProxyHoldReason | null): AppError {
  return new AppError(
    "msads_rate_limited",
    `Microsoft Advertising is throttling calls for this customer (${reason ? HOLD_CAUSE[reason] : "HTTP 429"}); no calls for it are sent for ${seconds} s`,
    429,
    { retryAfterSeconds: seconds, ...(fault ? { msads: fault.msads, rawBody: fault.rawBody } : {}) },
  );
}

/** Retry-After in seconds (delay or date), unclamped: `holdSeconds` bounds it. */
function retryAfterSeconds(value: string | null): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - Date.now()) / 1000)) : null;
}

function safeUrl(location: string, base: string): URL | null {
  try {
    return new URL(location, base);
  } catch {
    return null;
  }
}

export type { ProxyAccountHeaders };
