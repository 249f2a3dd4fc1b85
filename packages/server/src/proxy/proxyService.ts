import type { Readable } from "node:stream";
import { PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import type { Config } from "../config.js";
import { AppError } from "../errors.js";
import { faultErrors, type MsAdsFaultError } from "../msads/MsAdsError.js";
import { msadsCallErrors } from "../msads/msadsCallErrors.js";
import type { MsAdsClient } from "../msads/msadsClient.js";
import type { Operation } from "../oplog/operation.js";
import { OperationLog } from "../oplog/operationLog.js";
import type { Stores } from "../store/stores.js";
import { countProxyCall } from "../telemetry/metrics.js";
import { errorCode, inSpan, operationAttributes } from "../telemetry/tracing.js";
import { resolveProxyAccount } from "./proxyAccount.js";
import { type ProxyBody, readRequestBody } from "./proxyBody.js";
import { checkCallerHeaders, keptResponseHeaders } from "./proxyHeaders.js";
import { type ProxyAllowList, resolveTarget } from "./proxyTarget.js";

export { type ProxyMsAdsDetails, ProxyMsAdsError } from "../msads/ProxyMsAdsError.js";
export type { ProxyBody } from "./proxyBody.js";

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
  /** The operation the call is a step of (an action's run); without one the call is a `proxy/call` operation of its own. */
  op?: Operation | undefined;
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

/**
 * The credential-injecting proxy to Microsoft Advertising: what is the proxy's own (the allow-list
 * of paths and hosts, the caller's headers checked and Microsoft's filtered, the request body
 * bounded, the customer and account resolved, a file answer streamed back); the call itself
 * (credentials, deadline, redirects, faults, 109 refresh, 117 holds, retries, size limit) is the
 * one MsAdsClient's.
 *
 * @example
 * const answer = await services.proxy.call({
 *   connectionId, method: "POST", endpoint: "/CampaignManagement/v13/Campaigns/QueryByAccountId",
 *   body: JSON.stringify({ AccountId: accountId }), // sent as application/json unless headers say otherwise
 * });
 * const { Campaigns } = answer.json as { Campaigns: unknown[] };
 */
export class ProxyService {
  private readonly allow: ProxyAllowList;

  private readonly operations: OperationLog;

  constructor(private readonly deps: { config: Config; stores: Pick<Stores, "connections" | "adAccounts">; msads: MsAdsClient; operations?: OperationLog }) {
    this.allow = { environment: deps.config.microsoft.adsEnvironment, apiUrl: deps.config.microsoft.adsApiUrl };
    this.operations = deps.operations ?? OperationLog.disabled();
  }

  /** One call, as a span (`proxy` / `call`) and in the metrics by the status answered and Microsoft's fault code. */
  call(call: ProxyCall): Promise<ProxyResponse> {
    const attributes = operationAttributes({ type: "proxy", action: "call", connectionId: call.connectionId, integration: PROVIDER_CONFIG_KEY });
    return inSpan("ads_connect proxy call", { attributes }, async (span) => {
      try {
        const response = await this.operate(call);
        span.setAttribute("http.response.status_code", response.status);
        countProxyCall(response.status);
        return response;
      } catch (err) {
        const status = err instanceof AppError ? err.status : 500;
        const fault = err instanceof AppError ? err.msads?.codes[0] : undefined;
        span.setAttribute("http.response.status_code", status);
        if (fault !== undefined) span.setAttribute("ads_connect.msads.fault_code", String(fault));
        countProxyCall(status, fault, errorCode(err));
        throw err;
      }
    });
  }

  /** The call, as a `proxy/call` operation (or a step of the caller's): its failure carries the operation's id. */
  private async operate(call: ProxyCall): Promise<ProxyResponse> {
    const own = call.op === undefined;
    const op =
      call.op ??
      this.operations.start({
        type: "proxy",
        action: "call",
        connectionId: call.connectionId,
        integration: PROVIDER_CONFIG_KEY,
        meta: { method: call.method.toUpperCase(), endpoint: call.endpoint.split("?")[0] },
      });
    try {
      const answer = await this.send(call, op);
      if (own) op.succeed();
      return answer;
    } catch (err) {
      // An action's step fails the action (its service ends it); the error is tagged either way.
      if (own) op.fail(err);
      else if (err instanceof AppError) err.operationId ??= op.id;
      throw err;
    }
  }

  private async send(call: ProxyCall, op: Operation): Promise<ProxyResponse> {
    const limits = this.deps.config.proxy;
    if (call.providerConfigKey !== undefined && call.providerConfigKey !== PROVIDER_CONFIG_KEY)
      throw new AppError("unknown_provider_config", `Provider-Config-Key must be "${PROVIDER_CONFIG_KEY}"`);
    const method = call.method.toUpperCase();
    if (!METHODS.has(method)) throw new AppError("proxy_refused", `The method ${call.method} is not proxied`, 405);
    if (this.deps.config.microsoft.emulatorUrl && !this.deps.config.microsoft.adsApiUrl) {
      // The Entra emulator's tokens mean nothing to Microsoft: nothing is sent (as account discovery).
      throw new AppError(
        "msads_not_configured",
        "Sign-in uses the Entra emulator (ENTRA_EMULATOR_URL) but MICROSOFT_ADS_API_URL is not set, so no call was sent to Microsoft Advertising; start the Microsoft Advertising emulator (npx msads-emulator) and set MICROSOFT_ADS_API_URL to its URL",
        503,
      );
    }
    const target = resolveTarget(call.endpoint, this.allow, call.baseUrlOverride);
    const callerHeaders = checkCallerHeaders(call.headers ?? {});
    const retries = call.retries ?? 0;
    if (!Number.isInteger(retries) || retries < 0 || retries > MAX_PROXY_RETRIES) throw new AppError("invalid_body", `Retries must be 0-${MAX_PROXY_RETRIES}`);

    // One deadline from the start of the call: the body's read, then (in the client) the token refresh, every attempt and backoff.
    const deadline = AbortSignal.timeout(limits.timeoutMs);
    const body = await readRequestBody(call.body, limits.maxRequestBytes, call.signal ? AbortSignal.any([call.signal, deadline]) : deadline).catch(
      (err: unknown) => {
        if (err instanceof AppError) throw err;
        if (deadline.aborted) throw msadsCallErrors.timedOut(new URL(target.url).pathname.replace(/^.*?\/[A-Za-z]+\/v\d+\//, ""), limits.timeoutMs);
        if (call.signal?.aborted) throw msadsCallErrors.cancelled();
        throw err;
      },
    );
    // Microsoft's REST API takes JSON: the default type of a body sent without one.
    if (body && !callerHeaders["content-type"]) callerHeaders["content-type"] = "application/json";

    const account = await resolveProxyAccount(this.deps.stores, call.connectionId, { customerId: call.customerId, accountId: call.accountId }, (c) =>
      op.update({ endUserId: c.endUserId }),
    );
    const answer = await this.deps.msads.exchange({
      connectionId: call.connectionId,
      ...account,
      method,
      target: target.url,
      headers: callerHeaders,
      body,
      retries,
      retryOn: call.retryOn,
      deadline,
      signal: call.signal,
      stream: true,
      op,
    });
    const headers = keptResponseHeaders(answer.headers);
    if (answer.stream) return { status: answer.status, headers, body: answer.stream, partialErrors: [], trackingId: answer.trackingId };
    const { json } = answer;
    const partial = json && typeof json === "object" ? (json as { PartialErrors?: unknown }).PartialErrors : undefined;
    const partialErrors = Array.isArray(partial) ? faultErrors(partial) : [];
    return { status: answer.status, headers, body: answer.bytes, json, partialErrors, trackingId: answer.trackingId };
  }
}
