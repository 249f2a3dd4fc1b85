import { AppError } from "../errors.js";
import type { ProxyHoldReason } from "../store/schema.js";
import type { ProxyMsAdsError } from "./ProxyMsAdsError.js";

/** The errors the client decides itself (no answer in time, none at all, a throttled customer), as every caller sees them. */
export const msadsCallErrors = {
  timedOut: (operation: string, ms: number) =>
    new AppError("msads_timeout", `Microsoft Advertising ${operation} did not complete within the proxy's ${ms / 1000} s (PROXY_TIMEOUT_SECONDS)`, 504),
  cancelled: () => new AppError("msads_unreachable", "The call was cancelled", 499),
  unreachable: (operation: string) =>
    new AppError("msads_unreachable", `Microsoft Advertising ${operation} could not be reached`, 502, { retryAfterSeconds: 5 }),
  brokeOff: (operation: string) => new AppError("msads_unreachable", `Microsoft Advertising ${operation} broke off its answer`, 502, { retryAfterSeconds: 5 }),
  redirectRefused: () =>
    new AppError(
      "proxy_redirect_refused",
      "Microsoft Advertising answered with a redirect that leaves the allowed Microsoft Advertising hosts; it was not followed",
      502,
    ),
  /** `reason`: why this answer (or the hold in place: null on holds from before reasons were kept). */
  rateLimited: (seconds: number, fault: ProxyMsAdsError | null, reason: ProxyHoldReason | null) =>
    new AppError(
      "msads_rate_limited",
      `Microsoft Advertising is throttling calls for this customer (${reason ? HOLD_CAUSE[reason] : "HTTP 429"}); no calls for it are sent for ${seconds} s`,
      429,
      {
        retryAfterSeconds: seconds,
        ...(fault ? { msads: fault.msads, rawBody: fault.rawBody } : {}),
      },
    ),
};

const HOLD_CAUSE: Record<ProxyHoldReason, string> = { call_rate_exceeded: "117 CallRateExceeded", too_many_requests: "HTTP 429" };
