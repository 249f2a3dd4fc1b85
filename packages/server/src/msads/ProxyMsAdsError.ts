import type { MsAdsErrorDetails } from "@ads-connect/shared";
import { AppError } from "../errors.js";
import { type MsAdsError, toWireErrors } from "./MsAdsError.js";

/** Microsoft's side of a failed proxied call, as the error body's `msads` field carries it. */
export type ProxyMsAdsDetails = MsAdsErrorDetails;

/** Most raw body kept on an error (Microsoft's fault bodies are a few hundred bytes). */
const RAW_BODY_MAX = 64 * 1024;

/**
 * A Microsoft Advertising answer that is an error (a fault whatever the HTTP status, or a non-2xx),
 * in the usual error shape plus `msads` (codes, TrackingId) and `raw_body` (Microsoft's text).
 * Microsoft's 4xx status is kept; a 5xx or a fault in a 2xx becomes 502 (Microsoft failed, not us).
 */
export class ProxyMsAdsError extends AppError {
  /** Always set here (AppError's is optional). */
  declare readonly msads: ProxyMsAdsDetails;
  declare readonly rawBody: string;

  constructor(msads: ProxyMsAdsDetails, rawBody: string, message: string) {
    const status = msads.http_status !== null && msads.http_status >= 400 && msads.http_status < 500 ? msads.http_status : 502;
    super("msads_error", message, status, { msads, rawBody: rawBody.slice(0, RAW_BODY_MAX) });
  }

  static from(fault: MsAdsError | null, httpStatus: number, trackingId: string | null, rawBody: string, operation: string): ProxyMsAdsError {
    const msads: ProxyMsAdsDetails = {
      http_status: httpStatus,
      fault_type: fault?.details.faultType ?? null,
      codes: fault?.codes ?? [],
      errors: toWireErrors(fault?.errors ?? []),
      tracking_id: fault?.trackingId ?? trackingId,
    };
    return new ProxyMsAdsError(msads, rawBody, fault?.message ?? `Microsoft Advertising ${operation} answered HTTP ${httpStatus}`);
  }
}
