import { ApiErrorBodySchema, type MsAdsErrorDetails, parseJsonText } from "@ads-connect/shared";

/**
 * A 4xx/5xx answer from the server, with its `{error:{code,message}}` body; every client method
 * throws it. `code` is one of the catalogued error codes (`unexpected_response` when the body was not
 * the server's error shape), `msads` holds Microsoft's own codes when it refused a proxied call.
 *
 * @example
 * ```ts
 * import { AdsConnectApiError, AdsConnectClient } from "@ads-connect/node";
 *
 * const client = new AdsConnectClient({ host: "http://localhost:3003", secretKey });
 * try {
 *   await client.getConnection(connectionId);
 * } catch (error) {
 *   if (error instanceof AdsConnectApiError && error.code === "not_found") console.log("no such connection");
 *   else throw error;
 * }
 * ```
 */
export class AdsConnectApiError extends Error {
  override name = "AdsConnectApiError";
  constructor(
    /** The HTTP status. */
    readonly status: number,
    /** The error code, e.g. `not_found` or `msads_rate_limited`. */
    readonly code: string,
    message: string,
    /** Microsoft Advertising's codes and TrackingId when it refused a proxied call or an action's call. */
    readonly msads: MsAdsErrorDetails | null = null,
    /** The operation of the operation log that failed, when the request had one: `client.getOperation(operationId)`. */
    readonly operationId: string | null = null,
  ) {
    super(message);
  }
}

/** A 4xx/5xx answer as an AdsConnectApiError (its `{error:{code,message,msads?}}` body, when it has one). */
export function apiError(status: number, text: string, what: string): AdsConnectApiError {
  const error = ApiErrorBodySchema.safeParse(parseJsonText(text));
  if (error.success) {
    const { code, message, msads, operation_id } = error.data.error;
    return new AdsConnectApiError(status, code, message, msads ?? null, operation_id ?? null);
  }
  return new AdsConnectApiError(status, "unexpected_response", `HTTP ${status} from ${what}`);
}
