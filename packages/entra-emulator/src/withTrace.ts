import { randomUUID } from "node:crypto";

export interface TracedDescription {
  description: string;
  traceId: string;
  correlationId: string;
  timestamp: string;
}

/** Entra appends trace, correlation id and timestamp lines to every error description. */
export function withTrace(message: string, now = new Date()): TracedDescription {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = `${now.toISOString().slice(0, 19).replace("T", " ")}Z`;
  return {
    description: `${message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    traceId,
    correlationId,
    timestamp,
  };
}
