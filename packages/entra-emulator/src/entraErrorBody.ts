import type { AadstsMessage } from "./aadsts.js";
import { withTrace } from "./withTrace.js";

/** The JSON body Entra sends with every error from its token and metadata endpoints. */
export interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

export function entraErrorBody(error: string, aadsts: AadstsMessage): EntraErrorBody {
  const trace = withTrace(aadsts.message);
  return {
    error,
    error_description: trace.description,
    error_codes: [aadsts.code],
    timestamp: trace.timestamp,
    trace_id: trace.traceId,
    correlation_id: trace.correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${aadsts.code}`,
  };
}
