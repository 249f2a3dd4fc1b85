import { randomUUID } from "node:crypto";

/** A fault code the emulator can answer with, and how Microsoft Advertising words and serves it. */
export interface AdsFaultKind {
  code: number;
  errorCode: string;
  message: string;
  httpStatus: number;
}

/** Microsoft's general fault codes the emulator knows (MSADS.md "Errors"). */
export const ADS_FAULTS = {
  0: { code: 0, errorCode: "InternalError", message: "An internal error has occurred.", httpStatus: 500 },
  100: { code: 100, errorCode: "NullRequest", message: "The request message is null or invalid.", httpStatus: 400 },
  // Microsoft's wording, without a final period.
  105: {
    code: 105,
    errorCode: "InvalidCredentials",
    message: "Authentication failed. Either supplied credentials are invalid or the account is inactive",
    httpStatus: 401,
  },
  106: { code: 106, errorCode: "UserIsNotAuthorized", message: "The specified user does not have access to the requested resource.", httpStatus: 401 },
  109: { code: 109, errorCode: "AuthenticationTokenExpired", message: "Authentication token expired. Please renew it or obtain a new token.", httpStatus: 401 },
  116: { code: 116, errorCode: "RequestMissingHeaders", message: "The request is missing required headers.", httpStatus: 400 },
  117: {
    code: 117,
    errorCode: "CallRateExceeded",
    message: "You have exceeded the number of calls that you are allowed to make in a minute. Please reduce the number of calls that you make per minute.",
    httpStatus: 429,
  },
  120: { code: 120, errorCode: "UserLoginAccessDenied", message: "The user login access is denied.", httpStatus: 401 },
} as const satisfies Record<number, AdsFaultKind>;

export type AdsFaultCode = keyof typeof ADS_FAULTS;

/** `AdApiFaultDetail`: authentication, headers, throttling (`Errors[].Detail`, singular). */
export function adApiFaultDetail(kind: AdsFaultKind, detail: string | null = null) {
  return {
    TrackingId: randomUUID(),
    Type: "AdApiFaultDetail",
    Errors: [{ Code: kind.code, Detail: detail, ErrorCode: kind.errorCode, Message: kind.message }],
  };
}

/** `ApiFault`: the operation refused its input (`OperationErrors[].Details`, plural). */
export function apiFault(kind: AdsFaultKind, details: string | null = null) {
  return {
    TrackingId: randomUUID(),
    Type: "ApiFault",
    OperationErrors: [{ Code: kind.code, Details: details, Message: kind.message }],
  };
}

/** Thrown inside a route: answered with the fault's HTTP status and body. */
export class AdsFault extends Error {
  override name = "AdsFault";
  constructor(
    readonly kind: AdsFaultKind,
    readonly shape: "AdApiFaultDetail" | "ApiFault",
    readonly detail: string | null = null,
  ) {
    super(`${kind.code} ${kind.errorCode}`);
  }

  body() {
    return this.shape === "ApiFault" ? apiFault(this.kind, this.detail) : adApiFaultDetail(this.kind, this.detail);
  }
}

/** Input the operation cannot take (code 100, the emulator's choice for every validation failure). */
export const invalidRequest = (detail: string) => new AdsFault(ADS_FAULTS[100], "ApiFault", detail);
