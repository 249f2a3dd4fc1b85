import { parseJsonText } from "@ads-connect/shared";
import type { MsAdsEnvironment } from "./msadsHosts.js";
import { msadsUrl } from "./msadsHosts.js";
import { MsAdsError, parseFault } from "./MsAdsError.js";

/** Who a call is made for: the user's access token and, for account-scoped calls, the customer and account. */
export interface MsAdsCallContext {
  accessToken: string;
  /** `CustomerId` header (the account's ParentCustomerId). */
  customerId?: string | null;
  /** `CustomerAccountId` header (the account's Id). */
  accountId?: string | null;
  signal?: AbortSignal;
}

export interface MsAdsClientOptions {
  environment: MsAdsEnvironment;
  /** Sent as `DeveloperToken`; never logged, never part of an error. */
  developerToken: string;
  /** Stands in for every Microsoft Advertising host (MICROSOFT_ADS_API_URL), path kept. */
  apiUrl: string | null;
  /** Per call, default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * The one place that speaks to Microsoft Advertising: picks the host for the service and
 * environment (or the emulator), injects the headers, parses faults whatever the HTTP status.
 *
 * @example
 * const client = new MsAdsClient({ environment: "production", developerToken, apiUrl: null });
 * const user = await client.post("/CustomerManagement/v13/User/Query", { UserId: null }, { accessToken });
 */
export class MsAdsClient {
  constructor(private readonly options: MsAdsClientOptions) {}

  get environment(): MsAdsEnvironment {
    return this.options.environment;
  }

  /** The URL a path (e.g. `/CustomerManagement/v13/User/Query`) is sent to. */
  urlFor(path: string): string {
    return msadsUrl(path, this.options.environment, this.options.apiUrl);
  }

  /** The headers Microsoft wants on a call (a copy; contains secrets: never log it). */
  headersFor(context: MsAdsCallContext): Record<string, string> {
    return {
      Authorization: `Bearer ${context.accessToken}`,
      DeveloperToken: this.options.developerToken,
      ...(context.customerId ? { CustomerId: context.customerId } : {}),
      ...(context.accountId ? { CustomerAccountId: context.accountId } : {}),
    };
  }

  /** POSTs a JSON body; resolves with the parsed 2xx body, rejects with an MsAdsError. */
  async post(path: string, body: unknown, context: MsAdsCallContext): Promise<unknown> {
    return (await this.request("POST", path, body, context)).data;
  }

  /**
   * Any call (`GET`, `PUT`, `DELETE`, …): `path` may carry a query, `body` (not for GET/HEAD) is
   * sent as JSON, `headers` are the caller's own (the credential headers are always ours).
   * Resolves with a 2xx answer's status, safe headers and parsed body; rejects with an MsAdsError.
   */
  async request(method: string, path: string, body: unknown, context: MsAdsCallContext & { headers?: Record<string, string> }): Promise<MsAdsResponse> {
    const operation = path.split("?")[0]!.replace(/^\/[A-Za-z]+\/v\d+\//, "");
    const url = this.urlFor(path);
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
    const verb = method.toUpperCase();
    const withBody = body !== undefined && verb !== "GET" && verb !== "HEAD";
    const own = Object.fromEntries(Object.entries(context.headers ?? {}).filter(([name]) => !INJECTED.has(name.toLowerCase())));
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        method: verb,
        headers: { accept: "application/json", ...own, ...(withBody ? { "content-type": "application/json" } : {}), ...this.headersFor(context) },
        ...(withBody ? { body: JSON.stringify(body) } : {}),
        redirect: "manual",
        signal: context.signal ? AbortSignal.any([context.signal, timeout]) : timeout,
      });
    } catch (err) {
      const what = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError") ? "did not answer in time" : "could not be reached";
      throw new MsAdsError("network", `Microsoft Advertising ${operation} ${what}`, { operation, cause: err instanceof Error ? { name: err.name } : undefined });
    }
    const text = await response.text().catch(() => "");
    const json = text ? parseJsonText(text) : null;
    const fault = parseFault(json, response.status, operation);
    if (fault) throw fault;
    if (!response.ok) throw new MsAdsError("http", `Microsoft Advertising ${operation} answered HTTP ${response.status}`, { httpStatus: response.status, operation, trackingId: response.headers.get("TrackingId") });
    if (json === undefined) throw new MsAdsError("invalid_response", `Microsoft Advertising ${operation} answered something that is not JSON`, { httpStatus: response.status, operation });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!HIDDEN_RESPONSE_HEADERS.has(name)) headers[name] = value;
    });
    return { status: response.status, headers, data: json };
  }
}

/** A 2xx answer from Microsoft Advertising. */
export interface MsAdsResponse {
  status: number;
  /** Lower-case names; cookies and hop-by-hop headers left out. */
  headers: Record<string, string>;
  /** The parsed JSON body. */
  data: unknown;
}

/** Headers this client sets itself from the connection and settings; a caller's are dropped. */
const INJECTED = new Set(["authorization", "developertoken", "customerid", "customeraccountid", "host", "content-length", "cookie"]);
const HIDDEN_RESPONSE_HEADERS = new Set(["set-cookie", "connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"]);
