import type { Logger } from "pino";
import { AppError } from "../errors.js";
import { ProxyMsAdsError } from "../msads/ProxyMsAdsError.js";
import { isActionError } from "./defineAction.js";

/**
 * What a failed run becomes for the caller: any AppError as it is (the action's own ActionError is
 * `action_failed` with its status; a failed Microsoft Advertising call is typed by MsAdsError:
 * 117 → 429 with Retry-After, other faults → 502 with the codes and TrackingId); anything else is
 * the action's bug: logged, a plain 500.
 */
export function toActionError(err: unknown, actionName: string, logger: Logger): AppError {
  // The proxy keeps Microsoft's 4xx status for its callers; an action's caller gets 502 for any of
  // Microsoft's refusals (a 401 from us would read as a wrong secret key), 429 stays 429.
  if (err instanceof ProxyMsAdsError && err.status !== 502) return new AppError("msads_error", err.message, 502, { msads: err.msads, rawBody: err.rawBody });
  if (err instanceof AppError) return err;
  // An ActionError thrown by an ACTIONS_DIR module that loaded its own copy of the server package
  // extends that copy's AppError, not this one.
  if (isActionError(err)) return new AppError("action_failed", err.message, err.status);
  logger.error({ err, action: actionName }, "action failed");
  return new AppError("action_failed", `The action "${actionName}" failed unexpectedly; the error is in the server's log.`, 500);
}
