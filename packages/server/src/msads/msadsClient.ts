import { setTimeout as delay } from "node:timers/promises";
import { parseJsonText } from "@ads-connect/shared";
import type { Logger } from "pino";
import { AppError } from "../errors.js";
import { type ProxyHoldStore, USER_HOLD_PREFIX } from "../store/proxyHoldStore.js";
import { tracedFetch } from "../telemetry/tracedFetch.js";
import type { Clock } from "../util/clock.js";
import { retryAfterMs } from "../util/retryAfter.js";
import { fetchFollowingRedirects } from "./fetchFollowingRedirects.js";
import { MsAdsError, parseFault } from "./MsAdsError.js";
import type { MsAdsAnswer, MsAdsCall, MsAdsCallContext, MsAdsResponse } from "./msadsCall.js";
import { msadsCallErrors as errors } from "./msadsCallErrors.js";
import { isAllowedUrl, type MsAdsEnvironment, msadsUrl } from "./msadsHosts.js";
import { ProxyMsAdsError } from "./ProxyMsAdsError.js";
import { boundedStream, readResponseBody, responseTooLarge } from "./responseBody.js";
import { type HoldLimits, ThrottleHolds } from "./throttleHolds.js";
import type { TokenSource } from "./tokenSource.js";

export interface MsAdsLimits extends HoldLimits {
  timeoutMs: number;
  maxResponseBytes: number;
  retryBaseMs: number;
}

export interface MsAdsClientOptions {
  environment: MsAdsEnvironment;
  /** Sent as `DeveloperToken`; never logged, never part of an error. */
  developerToken: string;
  /** Stands in for every Microsoft Advertising host (MICROSOFT_ADS_API_URL), path kept. */
  apiUrl: string | null;
  /** A connection's access token (ConnectionService); without it only calls with a bare token are made. */
  tokens?: TokenSource;
  /** The customers' holds after 117/429, shared by every instance; without it nothing is held. */
  holds?: ProxyHoldStore;
  limits?: Partial<MsAdsLimits>;
  logger?: Logger;
  now?: Clock;
  fetch?: typeof fetch;
}

const DEFAULT_LIMITS: MsAdsLimits = {
  timeoutMs: 30_000,
  maxResponseBytes: 100 * 1024 * 1024,
  retryBaseMs: 500,
  throttleHoldSeconds: 60,
  http429HoldSeconds: 5,
  maxHoldSeconds: 900,
};
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
/** Headers this client sets itself from the connection and settings; a caller's are dropped. */
const INJECTED = new Set(["authorization", "developertoken", "customerid", "customeraccountid", "host", "content-length", "cookie"]);

/**
 * The one place that speaks to Microsoft Advertising (account discovery and sync, the proxy,
 * actions): picks the host, injects the credential headers, keeps one deadline for the whole call
 * (token refresh included), follows redirects only on the allow-list, parses faults whatever the
 * HTTP status, refreshes the token once on 109 (or a bare 401), holds a customer after 117/429
 * (answering 429 with Retry-After until the hold ends), retries 5xx/network errors when asked and
 * bounds the answer's size.
 *
 * @example
 * const user = await client.post("/CustomerManagement/v13/User/Query", { UserId: null }, { connectionId });
 */
export class MsAdsClient {
  private readonly limits: MsAdsLimits;
  private readonly holds: ThrottleHolds | null;

  constructor(private readonly options: MsAdsClientOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.holds = options.holds ? new ThrottleHolds(options.holds, this.limits, options.now) : null;
  }

  get environment(): MsAdsEnvironment {
    return this.options.environment;
  }

  /** The URL a path (e.g. `/CustomerManagement/v13/User/Query`) is sent to. */
  urlFor(path: string): string {
    return msadsUrl(path, this.options.environment, this.options.apiUrl);
  }

  /** The headers Microsoft wants on a call (a copy; contains secrets: never log it). */
  headersFor(context: { accessToken: string; customerId?: string | null | undefined; accountId?: string | null | undefined }): Record<string, string> {
    return {
      Authorization: `Bearer ${context.accessToken}`,
      DeveloperToken: this.options.developerToken,
      ...(context.customerId ? { CustomerId: context.customerId } : {}),
      ...(context.accountId ? { CustomerAccountId: context.accountId } : {}),
    };
  }

  /** POSTs a JSON body; resolves with the parsed 2xx body, rejects with an MsAdsError (or the client's own AppError: held, too large). */
  async post(path: string, body: unknown, context: MsAdsCallContext): Promise<unknown> {
    return (await this.request("POST", path, body, context)).data;
  }

  /**
   * Any call (`GET`, `PUT`, `DELETE`, …) with a JSON body (not for GET/HEAD): `path` may carry a
   * query, `headers` are the caller's own. Resolves with a 2xx answer's status, safe headers and
   * parsed body; Microsoft's failures reject as MsAdsError, the client's own refusals (a held
   * customer, an answer too large) as AppError.
   */
  async request(method: string, path: string, body: unknown, context: MsAdsCallContext & { headers?: Record<string, string> }): Promise<MsAdsResponse> {
    const verb = method.toUpperCase();
    const withBody = body !== undefined && verb !== "GET" && verb !== "HEAD";
    const headers = { accept: "application/json", ...context.headers, ...(withBody ? { "content-type": "application/json" } : {}) };
    let answer: MsAdsAnswer;
    try {
      answer = await this.send({ ...context, method: verb, target: path, headers, body: withBody ? Buffer.from(JSON.stringify(body)) : null });
    } catch (err) {
      throw asNetworkError(err, path, context.signal);
    }
    const { status, operation, fault, json } = answer;
    if (fault) throw fault;
    if (status < 200 || status >= 300)
      throw new MsAdsError("http", `Microsoft Advertising ${operation} answered HTTP ${status}`, {
        httpStatus: status,
        operation,
        trackingId: answer.trackingId,
      });
    if (json === undefined)
      throw new MsAdsError("invalid_response", `Microsoft Advertising ${operation} answered something that is not JSON`, { httpStatus: status, operation });
    const safe: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!HIDDEN_RESPONSE_HEADERS.has(name)) safe[name] = value;
    });
    return { status, headers: safe, data: json };
  }

  /**
   * A call whose failures are the API's errors (the proxy's and actions' shape): Microsoft's error
   * answers as ProxyMsAdsError, a redirect off the allow-list as `proxy_redirect_refused`.
   */
  async exchange(call: MsAdsCall): Promise<MsAdsAnswer> {
    const answer = await this.send(call);
    const { status, fault } = answer;
    if (status >= 300 && status < 400 && status !== 304) throw errors.redirectRefused();
    if (fault || status >= 400) {
      const error = ProxyMsAdsError.from(fault, status, answer.trackingId, answer.text, answer.operation);
      this.options.logger?.info(
        {
          connectionId: call.connectionId,
          operation: answer.operation,
          customerId: call.customerId ?? null,
          status,
          msadsCodes: error.msads.codes,
          trackingId: error.msads.tracking_id,
        },
        "Microsoft Advertising answered an error",
      );
      throw error;
    }
    return answer;
  }

  /** The call itself: every rule of the class comment; Microsoft's error answers are returned, not thrown. */
  private async send(call: MsAdsCall): Promise<MsAdsAnswer> {
    const { limits } = this;
    const url = call.target.startsWith("/") ? this.urlFor(call.target) : call.target;
    const operation = new URL(url).pathname.replace(/^.*?\/[A-Za-z]+\/v\d+\//, "");
    const method = call.method.toUpperCase();
    const deadline = call.deadline ?? AbortSignal.timeout(limits.timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, deadline]) : deadline;
    /** A wait the signal cut: past the deadline (504), or the caller went away. */
    const stopped = (err: unknown): never => {
      if (err instanceof AppError) throw err;
      if (deadline.aborted) throw errors.timedOut(operation, limits.timeoutMs);
      if (call.signal?.aborted) throw errors.cancelled();
      throw err;
    };
    const own = Object.fromEntries(Object.entries(call.headers ?? {}).filter(([name]) => !INJECTED.has(name.toLowerCase())));
    const holdKey = call.customerId ?? (call.connectionId !== undefined ? `${USER_HOLD_PREFIX}${call.connectionId}` : null);
    const log = { connectionId: call.connectionId, operation, customerId: call.customerId ?? null };
    const retries = call.retries ?? 0;
    const allow = { environment: this.options.environment, apiUrl: this.options.apiUrl };

    let accessToken = call.accessToken ?? null;
    let refreshed = false;
    const { op } = call;
    const target = new URL(url);
    let waitedMs = 0;
    /** One HTTP step in the operation log: path without query, status (0: no answer), time, the retry. */
    const step = (status: number, began: number, attempt: number, message?: string) =>
      op?.http({
        method,
        host: target.host,
        path: target.pathname,
        status,
        durationMs: performance.now() - began,
        retry: attempt > 0 ? { attempt, max: retries, waitedMs: Math.round(waitedMs) } : undefined,
        message,
      });
    for (let attempt = 0; ; attempt++) {
      if (holdKey)
        await this.refuseWhileHeld(holdKey).catch((err: unknown) => {
          op?.log("warn", `Customer held after Microsoft's throttling: ${operation} not sent`);
          throw err;
        });
      // After the hold check: a held customer costs no token refresh.
      // The wait for a refresh ends at the deadline; the refresh itself finishes and stores its tokens.
      accessToken ??= await this.token(call.connectionId!, false, signal, call.background).catch(stopped);
      // 5xx and network errors for idempotent methods; any status the caller lists in retryOn.
      const retryable = (status: number | null) =>
        attempt < retries && ((status !== null && call.retryOn?.includes(status) === true) || ((status === null || status >= 500) && IDEMPOTENT.has(method)));
      let response: Response;
      const began = performance.now();
      try {
        const headers = { ...own, ...this.headersFor({ accessToken, customerId: call.customerId, accountId: call.accountId }) };
        response = await fetchFollowingRedirects(
          tracedFetch(this.options.fetch ?? fetch, "microsoft_advertising"),
          url,
          { method, headers, body: call.body ?? null, signal },
          (next) => isAllowedUrl(next, allow),
        );
      } catch (err) {
        step(0, began, attempt, signal.aborted ? "stopped" : "not reached");
        if (err instanceof AppError || signal.aborted) stopped(err);
        if (retryable(null)) {
          waitedMs += await this.backoff(attempt, signal);
          continue;
        }
        this.options.logger?.warn({ ...log, attempts: attempt + 1 }, "Microsoft Advertising could not be reached");
        throw errors.unreachable(operation);
      }
      const trackingId = response.headers.get("trackingid");
      if (Number(response.headers.get("content-length") ?? NaN) > limits.maxResponseBytes) {
        await response.body?.cancel().catch(() => {});
        throw responseTooLarge(limits.maxResponseBytes);
      }
      const base = { status: response.status, headers: response.headers, trackingId, operation };
      if (call.stream && response.ok && !/json/i.test(response.headers.get("content-type") ?? "")) {
        step(response.status, began, attempt, "file answer streamed");
        return { ...base, bytes: Buffer.alloc(0), text: "", json: undefined, fault: null, stream: boundedStream(response.body, limits.maxResponseBytes) };
      }
      const bytes = await readResponseBody(response.body, limits.maxResponseBytes).catch((err: unknown) => {
        if (err instanceof AppError) throw err;
        if (deadline.aborted) throw errors.timedOut(operation, limits.timeoutMs);
        throw errors.brokeOff(operation);
      });
      const text = bytes.toString("utf8");
      const json = text ? parseJsonText(text) : undefined;
      const fault = parseFault(json, response.status, operation);
      step(response.status, began, attempt, fault?.codes.length ? `Microsoft Advertising error ${fault.codes.join(", ")}` : undefined);
      // 109, or a 401 without a fault naming another cause (105 InvalidCredentials and 106
      // UserIsNotAuthorized are 401s a new token does not mend).
      if (!refreshed && call.connectionId !== undefined && (fault?.has(109) || (response.status === 401 && !fault?.codes.length))) {
        // The token Microsoft saw expired (or was revoked) early: exactly one forced refresh and one retry.
        refreshed = true;
        this.options.logger?.info(
          { ...log, trackingId: fault?.trackingId ?? trackingId },
          "Microsoft Advertising refused the access token (109/401): refreshing it once and retrying",
        );
        op?.log("info", "Microsoft refused the access token (109/401): refreshing it once and retrying");
        accessToken = await this.token(call.connectionId, true, signal, call.background).catch(stopped);
        attempt--;
        continue;
      }
      if (holdKey && this.holds && (fault?.has(117) || response.status === 429)) {
        const callRate = fault?.has(117) === true;
        const retryAfter = retryAfterMs(response.headers.get("retry-after"));
        const seconds = this.holds.holdSeconds(retryAfter === null ? null : Math.ceil(retryAfter / 1000), callRate);
        const reason = callRate ? "call_rate_exceeded" : "too_many_requests";
        await this.holds.hold(holdKey, seconds, reason);
        op?.log("warn", `Microsoft Advertising is throttling this customer (${callRate ? "117 CallRateExceeded" : "429"}): its calls are held ${seconds} s`, {
          holdSeconds: seconds,
        });
        this.options.logger?.warn(
          { ...log, trackingId: fault?.trackingId ?? trackingId, holdSeconds: seconds, callRate },
          "Microsoft Advertising is throttling this customer (429): holding its calls",
        );
        throw errors.rateLimited(seconds, fault ? ProxyMsAdsError.from(fault, response.status, trackingId, text, operation) : null, reason);
      }
      if (!response.ok && retryable(response.status)) {
        waitedMs += await this.backoff(attempt, signal);
        continue;
      }
      return { ...base, bytes, text, json, fault, stream: null };
    }
  }

  private token(connectionId: string, forceRefresh: boolean, signal: AbortSignal, background: boolean | undefined): Promise<string> {
    if (!this.options.tokens) throw new Error("MsAdsClient: calls for a connection need a token source");
    return this.options.tokens.accessToken(connectionId, { forceRefresh, signal, ...(background ? { background } : {}) });
  }

  private async refuseWhileHeld(key: string): Promise<void> {
    const hold = await this.holds?.held(key);
    if (hold) throw errors.rateLimited(Math.max(1, Math.ceil((hold.until - (this.options.now ?? Date.now)()) / 1000)), null, hold.reason);
  }

  /** Exponential backoff with jitter: base·2^attempt plus up to one base more, cut by the deadline; resolves with the wait (ms). */
  private async backoff(attempt: number, signal: AbortSignal): Promise<number> {
    const base = this.limits.retryBaseMs;
    const wait = base * 2 ** attempt + Math.random() * base;
    try {
      await delay(wait, undefined, { signal });
      return wait;
    } catch {
      throw errors.timedOut("call", this.limits.timeoutMs);
    }
  }
}

const HIDDEN_RESPONSE_HEADERS = new Set(["set-cookie", "connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"]);

/** The JSON face's word for no answer (timeout, unreachable, cut off): an MsAdsError of kind "network", as account sync records it. */
function asNetworkError(err: unknown, path: string, signal: AbortSignal | undefined): unknown {
  if (!(err instanceof AppError) || (err.code !== "msads_timeout" && err.code !== "msads_unreachable")) return err;
  const operation = path.split("?")[0]!.replace(/^\/[A-Za-z]+\/v\d+\//, "");
  const what = err.code === "msads_timeout" || signal?.aborted ? "did not answer in time" : "could not be reached";
  return new MsAdsError("network", `Microsoft Advertising ${operation} ${what}`, { operation, cause: { name: err.code } });
}
