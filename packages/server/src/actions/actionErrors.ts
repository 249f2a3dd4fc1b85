import type { MsAdsErrorDetails } from "@ads-connect/shared";
import type { Logger } from "pino";
import { AppError } from "../errors.js";
import { MsAdsError } from "../msads/MsAdsError.js";
import { ProxyMsAdsError, toWireErrors } from "../msads/ProxyMsAdsError.js";
import { isActionError } from "./defineAction.js";

/** Microsoft counts calls in a sliding 60-second window per user and customer (117). */
const RATE_WINDOW_SECONDS = 60;

/** Microsoft's codes and TrackingId for the caller (never request headers: they hold tokens). */
export function msadsInfo(err: MsAdsError): MsAdsErrorDetails {
  return {
    http_status: err.httpStatus,
    fault_type: err.details.faultType ?? null,
    codes: err.codes.filter(Number.isFinite),
    errors: toWireErrors(err.errors),
    tracking_id: err.trackingId,
  };
}

/**
 * What a failed run becomes for the caller: the action's own ActionError as `action_failed` with
 * its status; Microsoft's refusals typed (117 → 429 with Retry-After, other faults → 502 with the
 * codes and TrackingId); anything else is the action's bug: logged, a plain 500.
 */
export function toActionError(err: unknown, actionName: string, logger: Logger): AppError {
  // The proxy keeps Microsoft's 4xx status for its callers; an action's caller gets 502 for any of
  // Microsoft's refusals (a 401 from us would read as a wrong secret key), 429 stays 429.
  if (err instanceof ProxyMsAdsError && err.status !== 502) return new AppError("msads_error", err.message, 502, { msads: err.msads, rawBody: err.rawBody });
  if (err instanceof AppError) return err;
  if (isActionError(err)) return new AppError("action_failed", err.message, err.status);
  if (err instanceof MsAdsError) {
    const msads = msadsInfo(err);
    if (err.has(117)) return new AppError("msads_rate_limited", `Microsoft Advertising is throttling calls for this user and customer (117 CallRateExceeded); try again after ${RATE_WINDOW_SECONDS} s.`, 429, { msads, retryAfterSeconds: RATE_WINDOW_SECONDS });
    if (err.kind === "network" || err.kind === "not_configured") return new AppError("msads_unreachable", err.message, err.kind === "network" ? 504 : 503, { msads });
    if (err.kind === "invalid_response") return new AppError("msads_invalid_response", err.message, 502, { msads });
    return new AppError("msads_error", err.message, 502, { msads });
  }
  logger.error({ err, action: actionName }, "action failed");
  return new AppError("action_failed", `The action "${actionName}" failed unexpectedly; the error is in the server's log.`, 500);
}
