import type { ErrorCode, MsAdsErrorDetails } from "@ads-connect/shared";
import { AppError, type AppErrorOptions } from "../errors.js";

/** One error in a Microsoft Advertising fault (`Errors[]` or `OperationErrors[]`). */
export interface MsAdsFaultError {
  code: number;
  errorCode: string | null;
  message: string | null;
  /** `Detail` (AdApiFaultDetail) or `Details` (ApiFault). */
  detail: string | null;
}

export type MsAdsErrorKind =
  /** Microsoft answered with a fault body (whatever the HTTP status). */
  | "fault"
  /** A non-2xx answer without a fault body. */
  | "http"
  /** No answer: network failure or timeout. */
  | "network"
  /** A 2xx answer that is not the shape Microsoft documents. */
  | "invalid_response"
  /** Not sent: this server's settings rule the call out. */
  | "not_configured";

export interface MsAdsFailure {
  httpStatus?: number | null;
  /** "AdApiFaultDetail" | "ApiFault" | …, as Microsoft's `Type` says. */
  faultType?: string | null;
  errors?: MsAdsFaultError[];
  trackingId?: string | null;
  operation?: string;
  cause?: unknown;
}

/** Microsoft counts calls in a sliding 60-second window per user and customer (117). */
const RATE_WINDOW_SECONDS = 60;

export const toWireErrors = (errors: MsAdsFaultError[]) => errors.map((e) => ({ code: e.code, error_code: e.errorCode, message: e.message, detail: e.detail }));

/**
 * Microsoft Advertising's side of the error family: what a failed call answers our caller. 117 is
 * a 429 with Retry-After past Microsoft's window; no answer is 504 (503 when our settings ruled the
 * call out); an answer that is not what Microsoft documents, a fault or another non-2xx, 502.
 */
function asAppError(
  kind: MsAdsErrorKind,
  message: string,
  failure: MsAdsFailure,
): { code: ErrorCode; message: string; status: number; options: AppErrorOptions } {
  const errors = failure.errors ?? [];
  const msads: MsAdsErrorDetails = {
    http_status: failure.httpStatus ?? null,
    fault_type: failure.faultType ?? null,
    codes: errors.map((e) => e.code).filter(Number.isFinite),
    errors: toWireErrors(errors),
    tracking_id: failure.trackingId ?? null,
  };
  const options = { cause: failure.cause, msads };
  if (errors.some((e) => e.code === 117)) {
    const throttled = `Microsoft Advertising is throttling calls for this user and customer (117 CallRateExceeded); try again after ${RATE_WINDOW_SECONDS} s.`;
    return { code: "msads_rate_limited", message: throttled, status: 429, options: { ...options, retryAfterSeconds: RATE_WINDOW_SECONDS } };
  }
  if (kind === "network" || kind === "not_configured") return { code: "msads_unreachable", message, status: kind === "network" ? 504 : 503, options };
  if (kind === "invalid_response") return { code: "msads_invalid_response", message, status: 502, options };
  return { code: "msads_error", message, status: 502, options };
}

/**
 * A failed Microsoft Advertising call, carrying Microsoft's numeric codes and TrackingId (quote it
 * to Microsoft support) as `msads`. Never carries request headers: they hold the access and developer tokens.
 */
export class MsAdsError extends AppError {
  override name = "MsAdsError";
  constructor(
    readonly kind: MsAdsErrorKind,
    message: string,
    readonly details: MsAdsFailure = {},
  ) {
    const app = asAppError(kind, message, details);
    super(app.code, app.message, app.status, app.options);
  }

  get httpStatus(): number | null {
    return this.details.httpStatus ?? null;
  }
  get trackingId(): string | null {
    return this.details.trackingId ?? null;
  }
  get errors(): MsAdsFaultError[] {
    return this.details.errors ?? [];
  }
  /** Microsoft's numeric codes, e.g. [109]. */
  get codes(): number[] {
    return this.errors.map((e) => e.code);
  }
  has(code: number): boolean {
    return this.codes.includes(code);
  }
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** The errors of a fault's `Errors` / `OperationErrors`, or of a batch answer's `PartialErrors`. */
export function faultErrors(list: unknown[]): MsAdsFaultError[] {
  return list
    .filter((e): e is Record<string, unknown> => typeof e === "object" && e !== null)
    .map((e) => ({
      code: typeof e.Code === "number" ? e.Code : Number(e.Code ?? NaN),
      errorCode: str(e.ErrorCode),
      message: str(e.Message),
      detail: str(e.Detail) ?? str(e.Details),
    }));
}

/**
 * Microsoft's fault body (`AdApiFaultDetail` with `Errors[].Detail`, `ApiFault` with
 * `OperationErrors[].Details`, batch `PartialErrors` aside), or null when the body is not a fault.
 * Parsed whatever the HTTP status: SOAP-era services answered faults with 500 or even 200.
 */
export function parseFault(body: unknown, httpStatus: number, operation: string): MsAdsError | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  const list = Array.isArray(b.Errors)
    ? b.Errors
    : Array.isArray(b.OperationErrors)
      ? b.OperationErrors
      : Array.isArray(b.BatchErrors) && !("PartialErrors" in b)
        ? b.BatchErrors
        : null;
  const isFault = typeof b.Type === "string" ? /Fault/.test(b.Type) : list !== null && "TrackingId" in b;
  if (!isFault || !list) return null;
  const errors = faultErrors(list);
  const first = errors[0];
  const trackingId = str(b.TrackingId);
  const summary = first ? `${first.code}${first.errorCode ? ` ${first.errorCode}` : ""}` : "no error listed";
  return new MsAdsError("fault", `Microsoft Advertising ${operation} failed: ${summary}${trackingId ? ` (TrackingId ${trackingId})` : ""}`, {
    httpStatus,
    faultType: str(b.Type),
    errors,
    trackingId,
    operation,
  });
}
