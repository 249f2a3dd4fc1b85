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

/**
 * A failed Microsoft Advertising call, carrying Microsoft's numeric codes and TrackingId (quote it
 * to Microsoft support). Never carries request headers: they hold the access and developer tokens.
 */
export class MsAdsError extends Error {
  override name = "MsAdsError";
  constructor(
    readonly kind: MsAdsErrorKind,
    message: string,
    readonly details: {
      httpStatus?: number | null;
      /** "AdApiFaultDetail" | "ApiFault" | …, as Microsoft's `Type` says. */
      faultType?: string | null;
      errors?: MsAdsFaultError[];
      trackingId?: string | null;
      operation?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
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
    .map((e) => ({ code: typeof e.Code === "number" ? e.Code : Number(e.Code ?? NaN), errorCode: str(e.ErrorCode), message: str(e.Message), detail: str(e.Detail) ?? str(e.Details) }));
}

/**
 * Microsoft's fault body (`AdApiFaultDetail` with `Errors[].Detail`, `ApiFault` with
 * `OperationErrors[].Details`, batch `PartialErrors` aside), or null when the body is not a fault.
 * Parsed whatever the HTTP status: SOAP-era services answered faults with 500 or even 200.
 */
export function parseFault(body: unknown, httpStatus: number, operation: string): MsAdsError | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  const list = Array.isArray(b.Errors) ? b.Errors : Array.isArray(b.OperationErrors) ? b.OperationErrors : Array.isArray(b.BatchErrors) && !("PartialErrors" in b) ? b.BatchErrors : null;
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
