import type { Readable } from "node:stream";
import type { Operation } from "../oplog/operation.js";
import type { MsAdsError } from "./MsAdsError.js";

/** Who a call is made for (a connection, whose token the client gets and refreshes, or a bare access token) and, for account-scoped calls, the customer and account. */
export type MsAdsCallContext = ({ accessToken: string; connectionId?: undefined } | { connectionId: string; accessToken?: undefined }) & {
  /** `CustomerId` header (the account's ParentCustomerId). */
  customerId?: string | null | undefined;
  /** `CustomerAccountId` header (the account's Id). */
  accountId?: string | null | undefined;
  /** The caller went away: the call stops (499). */
  signal?: AbortSignal | undefined;
  /** The operation of the operation log the call belongs to: each HTTP step (retries, 109, 117 holds) is recorded under it. */
  op?: Operation | undefined;
  /** Background work (a sync run): a token refresh the call needs takes from the app's token request budget (see TokenSource). */
  background?: boolean | undefined;
};

/** One call as the client sends it. */
export type MsAdsCall = MsAdsCallContext & {
  method: string;
  /** An API path with its query (`/CustomerManagement/v13/User/Query`), or an absolute URL already checked against the allow-list (the proxy's target). */
  target: string;
  /** The caller's own headers; the credential headers are always the client's. */
  headers?: Record<string, string> | undefined;
  body?: Uint8Array | null | undefined;
  /** Retries of 5xx answers and network errors for idempotent methods or statuses in `retryOn` (default 0). */
  retries?: number | undefined;
  retryOn?: number[] | undefined;
  /** The call's deadline when it began before the client was called (the proxy reads the request body first); else PROXY_TIMEOUT_SECONDS from now. */
  deadline?: AbortSignal | undefined;
  /** A 2xx answer that is not JSON is handed back as a (bounded) stream instead of being read. */
  stream?: boolean | undefined;
};

/** Microsoft's answer once the client is done with it (refreshes, retries and holds behind it). */
export interface MsAdsAnswer {
  status: number;
  headers: Headers;
  trackingId: string | null;
  operation: string;
  /** The body read (empty when streamed), its parsed JSON (undefined when not JSON) and fault. */
  bytes: Buffer;
  text: string;
  json: unknown;
  fault: MsAdsError | null;
  stream: Readable | null;
}

/** A 2xx answer from Microsoft Advertising. */
export interface MsAdsResponse {
  status: number;
  /** Lower-case names; cookies and hop-by-hop headers left out. */
  headers: Record<string, string>;
  /** The parsed JSON body. */
  data: unknown;
}
