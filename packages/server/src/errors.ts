import type { ErrorActor, ErrorCode, MsAdsErrorDetails } from "@ads-connect/shared";

/** One problem with one field of a request, sent in the error body's `errors` list. */
export interface FieldError {
  path: string;
  message: string;
  code?: string;
}

export interface AppErrorOptions {
  cause?: unknown;
  /** The fields at fault, sent as `error.errors`. */
  details?: FieldError[];
  retryAfterSeconds?: number;
  msads?: MsAdsErrorDetails;
  rawBody?: string;
}

/**
 * The base of every error the server raises on purpose: a catalogued `code` (packages/shared's
 * ERROR_CODES), the HTTP `status` it answers with, and the upstream failure as `cause`. The error
 * middleware (http/errorHandler.ts) turns it into `{error:{code,message}}`; anything else is a bug.
 * Each upstream's failures become one in one place: Entra in oauth/translateEntraError.ts,
 * Microsoft Advertising in msads/MsAdsError.ts, the database in store/databaseErrors.ts and
 * store/databaseBusy.ts.
 */
export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number = 400,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.fieldErrors = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.msads = options.msads;
    this.rawBody = options.rawBody;
  }
  /** Microsoft Advertising's codes and TrackingId, sent as `error.msads` when a call to it failed. */
  readonly msads: MsAdsErrorDetails | undefined;
  /** Microsoft's own answer (text, bounded), sent as `error.raw_body` beside `msads`. */
  readonly rawBody: string | undefined;
  /** The fields at fault (the `details` option), sent as `error.errors`. */
  readonly fieldErrors: FieldError[] | undefined;
  /** Sent as `Retry-After` when set (a temporary condition: Microsoft unreachable, a busy database). */
  readonly retryAfterSeconds: number | undefined;
  /** The operation log's operation this error failed (set by `Operation.fail`), sent as `error.operation_id`. */
  operationId: string | undefined;
}

/** Operations failed by errors that are not AppErrors (our bugs): the 500 answer still names its operation. */
const failedOperations = new WeakMap<object, string>();

/**
 * Tags an error with the operation it failed (the first one wins, like `AppError.operationId`),
 * so that its error answer carries `error.operation_id`; values that are not objects are ignored.
 */
export function tagOperation(err: unknown, operationId: string): void {
  if (err instanceof AppError) err.operationId ??= operationId;
  else if (typeof err === "object" && err !== null && !failedOperations.has(err)) failedOperations.set(err, operationId);
}

/** The operation an error failed, if `tagOperation` (or `Operation.fail`) tagged it. */
export function operationIdOf(err: unknown): string | undefined {
  if (err instanceof AppError) return err.operationId;
  return typeof err === "object" && err !== null ? failedOperations.get(err) : undefined;
}

/**
 * A failed connect attempt: what the popup result and session status report, with who has to act
 * (`actor`) and Entra's AADSTS number. Its `status` is the result page's: 503 while Microsoft does
 * not answer, 502 when nobody we can name is at fault, else 400.
 */
export class ConnectFlowError extends AppError {
  override name = "ConnectFlowError";
  constructor(
    code: ErrorCode,
    message: string,
    readonly actor: ErrorActor,
    readonly aadsts: number | null = null,
    options: { cause?: unknown } = {},
  ) {
    super(code, message, code === "provider_temporarily_unavailable" ? 503 : actor === "none" ? 502 : 400, options);
  }
}
