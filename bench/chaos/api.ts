import { ERROR_CATALOGUE, type ErrorCode } from "@ads-connect/shared";
import { httpRequest } from "../../packages/server/src/testing/httpRequest.js";
import { BALANCER_HEADER } from "./balancer.js";

export interface Answer {
  status: number;
  json: unknown;
  text: string;
  headers: Headers;
}

/** Every answer the driver got, tallied per operation, and every one outside the documented contract. */
export class Tally {
  readonly perOp = new Map<string, { ok: number; statuses: Record<string, number>; cut: number; unreachable: number; latencies: number[] }>();
  readonly violations: string[] = [];
  /** Token reads: [time, ms] for the soak's per-window p99. */
  readonly tokenReads: [number, number][] = [];

  op(name: string) {
    const entry = this.perOp.get(name) ?? { ok: 0, statuses: {}, cut: 0, unreachable: 0, latencies: [] };
    this.perOp.set(name, entry);
    return entry;
  }

  violation(message: string): void {
    if (this.violations.length < 20) process.stderr.write(`violation: ${message}\n`);
    if (this.violations.length < 200) this.violations.push(message);
    else if (this.violations.length === 200) this.violations.push("… more violations not listed");
  }
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });

/**
 * Checks one answer of ads-connect against its documented contract: no 500; every 503 and 429
 * with `Retry-After`; an error body's code is in the catalogue with this status. A proxied answer
 * that is Microsoft's own (its fault shape, with a TrackingId) is Microsoft's contract, not ours.
 */
export function checkAnswer(tally: Tally, op: string, answer: Answer): void {
  if (answer.headers.get(BALANCER_HEADER)) return;
  const { status } = answer;
  if (status < 400) return;
  const where = `${op}: ${status}`;
  const error = (answer.json as { error?: { code?: string } } | undefined)?.error;
  const microsoft = op === "proxy" && /TrackingId/.test(answer.text) && !error;
  if (microsoft) return;
  if (status === 500) tally.violation(`${where} (500) ${answer.text.slice(0, 200)}`);
  if ((status === 503 || status === 429) && !answer.headers.get("retry-after")) tally.violation(`${where} without Retry-After (${error?.code})`);
  if (!error?.code) {
    tally.violation(`${where} without an error code: ${answer.text.slice(0, 200)}`);
    return;
  }
  const entry = (ERROR_CATALOGUE as Record<string, { http: readonly number[] } | undefined>)[error.code as ErrorCode];
  if (!entry) tally.violation(`${where} with a code outside the catalogue: ${error.code}`);
  else if (!entry.http.includes(status)) tally.violation(`${where} for ${error.code}, documented as ${entry.http.join("/")}`);
}

/** The product backend's client: secret key, through the balancer; every answer tallied and checked. */
export function backendClient(baseUrl: () => string, secretKey: string, tally: Tally) {
  return async function call(op: string, method: string, pathAndQuery: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer | null> {
    const entry = tally.op(op);
    const started = performance.now();
    try {
      const response = await withTimeout(
        httpRequest(`${baseUrl()}${pathAndQuery}`, {
          method,
          headers: { authorization: `Bearer ${secretKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
        90_000,
      );
      const ms = performance.now() - started;
      let json: unknown;
      try {
        json = JSON.parse(response.text);
      } catch {
        json = undefined;
      }
      const answer = { status: response.status, json, text: response.text, headers: response.headers };
      if (response.headers.get(BALANCER_HEADER)) {
        entry.unreachable++;
        return null;
      }
      const code = response.status >= 400 ? (json as { error?: { code?: string } } | undefined)?.error?.code : undefined;
      const key = code ? `${response.status} ${code}` : String(response.status);
      entry.statuses[key] = (entry.statuses[key] ?? 0) + 1;
      if (response.status < 400) {
        entry.ok++;
        entry.latencies.push(ms);
        if (op === "token_read") tally.tokenReads.push([Date.now(), ms]);
      }
      checkAnswer(tally, op, answer);
      return answer;
    } catch {
      // The instance died under the request (kill -9) or the connection was cut: the client's
      // network error, retried by the caller as a product backend would.
      entry.cut++;
      return null;
    }
  };
}

export type BackendClient = ReturnType<typeof backendClient>;

export { withTimeout };
