import type { ErrorActor, ErrorCode, MsAdsErrorDetails } from "@ads-connect/shared";

/** The one error class the server throws on purpose; the error middleware turns it into JSON. */
export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number = 400,
    options: { cause?: unknown; details?: { path: string; message: string; code?: string }[]; retryAfterSeconds?: number; msads?: MsAdsErrorDetails; rawBody?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.msads = options.msads;
    this.rawBody = options.rawBody;
  }
  /** Microsoft Advertising's codes and TrackingId, sent as `error.msads` when a call to it failed. */
  readonly msads: MsAdsErrorDetails | undefined;
  /** Microsoft's own answer (text, bounded), sent as `error.raw_body` beside `msads`. */
  readonly rawBody: string | undefined;
  readonly details: { path: string; message: string; code?: string }[] | undefined;
  /** Sent as `Retry-After` when set (a temporary condition: Microsoft unreachable, a busy database). */
  readonly retryAfterSeconds: number | undefined;
}

/** A failed connect attempt: what the popup result and session status report. */
export class ConnectFlowError extends Error {
  override name = "ConnectFlowError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly actor: ErrorActor,
    readonly aadsts: number | null = null,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }
}
