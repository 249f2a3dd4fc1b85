import type { AccountsError } from "@ads-connect/shared";
import { AppError } from "../errors.js";
import { MsAdsError } from "../msads/MsAdsError.js";

/** What is stored in `connections.accounts_error`: the API's shape plus the retry count. */
export interface StoredAccountsError extends AccountsError {
  /** Failed runs in a row (the retry delay grows with it). */
  failures: number;
}

/** Longest wait between retries of a failing discovery, whatever the sync interval. */
const MAX_RETRY_MS = 60 * 60_000;
/** Microsoft counts calls in a sliding 60-second window per user and customer (117). */
const RATE_WINDOW_MS = 60_000;

/**
 * A failed discovery/sync in plain words (no tokens, no personal data): Microsoft's code, the
 * likely cause and what happens next. `failures` counts earlier failures in a row.
 */
export function toAccountsError(err: unknown, now: number, previousFailures: number, intervalMs: number): StoredAccountsError {
  const failures = previousFailures + 1;
  const { code, message } = describe(err);
  const ms = err instanceof MsAdsError ? err : null;
  // The client's own refusals (a 117 answer that held the customer, a hold in place) carry Microsoft's words as `msads`.
  const app = err instanceof AppError && !ms ? err : null;
  const codes = ms?.codes ?? app?.msads?.codes ?? [];
  // 117: wait past Microsoft's window before trying again; otherwise back off from a minute; never before a hold's end.
  const base = codes.includes(117) ? RATE_WINDOW_MS * 2 : RATE_WINDOW_MS;
  const delay = Math.max(Math.min(base * 2 ** (failures - 1), MAX_RETRY_MS, intervalMs), (app?.retryAfterSeconds ?? 0) * 1000);
  return {
    code,
    message,
    at: new Date(now).toISOString(),
    msads_codes: codes.filter(Number.isFinite),
    tracking_id: ms?.trackingId ?? app?.msads?.tracking_id ?? null,
    retry_at: new Date(now + delay).toISOString(),
    failures,
  };
}

function describe(err: unknown): { code: string; message: string } {
  // MsAdsError is an AppError too, but the stored error words Microsoft's failures for this purpose.
  if (!(err instanceof MsAdsError)) {
    if (err instanceof AppError) return { code: err.code, message: err.message };
    return { code: "internal_error", message: "Discovering the Microsoft Advertising accounts failed unexpectedly; it is retried later." };
  }
  if (err.kind === "not_configured") return { code: "msads_not_configured", message: err.message };
  if (err.kind === "network") return { code: "msads_unreachable", message: `${err.message}; it is retried later.` };
  if (err.kind === "invalid_response") return { code: "msads_invalid_response", message: `${err.message}; it is retried later.` };
  if (err.kind === "http") return { code: "msads_unavailable", message: `${err.message}; it is retried later.` };
  if (err.has(105)) {
    return {
      code: "msads_invalid_credentials",
      message:
        "Microsoft Advertising refused the access token (code 105 InvalidCredentials). Likely causes: the person signed in with an account or tenant that has no Microsoft Advertising access, the app asked for the wrong scope (msads.manage is needed, not ads.manage), or the developer token is for the other environment (sandbox vs production). The connection is kept; fix the cause and sync or reconnect.",
    };
  }
  if (err.has(106))
    return {
      code: "msads_not_authorized",
      message: "The signed-in user is not authorized for these Microsoft Advertising accounts (code 106 UserIsNotAuthorized).",
    };
  if (err.has(120)) return { code: "msads_login_denied", message: "Microsoft Advertising denied this user's sign-in (code 120 UserLoginAccessDenied)." };
  if (err.has(109))
    return {
      code: "msads_token_expired",
      message: "Microsoft Advertising said the access token expired (code 109) even after a refresh; it is retried later.",
    };
  if (err.has(117))
    return {
      code: "msads_rate_limited",
      message: "Microsoft Advertising is throttling calls for this user (code 117 CallRateExceeded); it is retried after a pause.",
    };
  if (err.has(116))
    return {
      code: "msads_missing_headers",
      message: "Microsoft Advertising said required headers were missing (code 116 RequestMissingHeaders); check MICROSOFT_ADS_DEVELOPER_TOKEN.",
    };
  return { code: "msads_error", message: `Microsoft Advertising failed (code ${err.codes.join(", ") || "unknown"}); it is retried later.` };
}

/** The API's view of a stored error. */
export function publicAccountsError(stored: StoredAccountsError | null): AccountsError | null {
  if (!stored) return null;
  const { failures: _failures, ...rest } = stored;
  return rest;
}
