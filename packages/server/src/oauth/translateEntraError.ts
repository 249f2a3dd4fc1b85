import { AADSTS_CATALOGUE, type CatalogueEntry, catalogueEntry, parseAadsts, UNKNOWN_AADSTS } from "@ads-connect/shared";
import * as oidc from "openid-client";
import { ConnectFlowError } from "../errors.js";
import { retryAfterMs } from "../util/retryAfter.js";

const TEMPORARY: CatalogueEntry = {
  code: "provider_temporarily_unavailable",
  actor: "none",
  message: "Microsoft did not answer in time. Wait a moment and connect again.",
};
const UNVERIFIED = (code: "nonce_mismatch" | "id_token_invalid"): CatalogueEntry => ({
  code,
  actor: "end_user",
  message: "Microsoft's answer could not be verified, so nothing was connected. Connect again from the same window.",
});

/**
 * An answer from Microsoft this app could not use that is neither an Entra error nor an ID token
 * failing its checks (e.g. a 200 that is not JSON): nobody's fault we can name, and no reason to
 * think the end user's grant is gone.
 */
const UNEXPECTED_ANSWER: CatalogueEntry = {
  code: "provider_error",
  actor: "none",
  message: "Microsoft gave an answer this app could not use. Try again in a moment; if it keeps happening, tell the app's support team.",
};

/** openid-client's codes for an ID token failing its checks (claims, timestamps, signature, parsing). */
const ID_TOKEN_CHECKS = new Set(["OAUTH_JWT_CLAIM_COMPARISON_FAILED", "OAUTH_JWT_TIMESTAMP_CHECK_FAILED"]);
/** Codes openid-client also uses for other answers: an ID token failure only when its message is about a JWT. */
const ID_TOKEN_CHECKS_IF_JWT = new Set(["OAUTH_INVALID_RESPONSE", "OAUTH_PARSE_ERROR", "OAUTH_KEY_SELECTION_FAILED"]);

function isIdTokenFailure(err: oidc.ClientError): boolean {
  if (err.code && ID_TOKEN_CHECKS.has(err.code)) return true;
  if (!err.code || !ID_TOKEN_CHECKS_IF_JWT.has(err.code)) return false;
  const detail = err.cause instanceof Error ? err.cause.message : err.message;
  return /\bJWT\b|ID Token|id_token/i.test(detail);
}

/** Socket-level failures Node reports (on the error or its causes) when a server is unreachable or drops the connection. */
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
]);

/**
 * Microsoft did not answer (in time): a timeout or abort (openid-client's OAUTH_TIMEOUT / OAUTH_ABORT,
 * or the DOMException itself), fetch failing (`TypeError: fetch failed`), or a socket error
 * anywhere in the cause chain. Temporary: retried later, never held against the connection.
 */
function isUnanswered(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const { code, name } = current as { code?: unknown; name?: unknown };
    if (code === "OAUTH_TIMEOUT" || code === "OAUTH_ABORT" || name === "TimeoutError" || name === "AbortError") return true;
    if (typeof code === "string" && (NETWORK_CODES.has(code) || code.startsWith("UND_ERR_"))) return true;
    // fetch's own failures ("fetch failed", "terminated"); openid-client's argument checks are
    // TypeErrors too, but coded ERR_INVALID_ARG_*, and a TypeError deep inside another error is not one.
    if (current instanceof TypeError && (/^(fetch failed|terminated)$/.test(current.message) || (depth === 0 && code === undefined))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** openid-client nests the failed claim one or two `cause`s deep depending on the check. */
function failedClaim(err: Error): unknown {
  let cause: unknown = err.cause;
  for (let depth = 0; depth < 3 && cause && typeof cause === "object"; depth++) {
    const claim = (cause as { claim?: unknown }).claim;
    if (claim !== undefined) return claim;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

/** openid-client does not parse 5xx bodies; Entra still puts its AADSTS code there. */
async function aadstsOfBody(response: Response): Promise<number | null> {
  try {
    const body = (await response.clone().json()) as { error_description?: unknown; error_codes?: unknown };
    const fromDescription = parseAadsts(typeof body.error_description === "string" ? body.error_description : undefined);
    if (fromDescription !== null) return fromDescription;
    return Array.isArray(body.error_codes) && typeof body.error_codes[0] === "number" ? body.error_codes[0] : null;
  } catch {
    return null;
  }
}

function flowError(entry: CatalogueEntry, aadsts: number | null, cause?: unknown): ConnectFlowError {
  return new ConnectFlowError(entry.code, entry.message, entry.actor, aadsts, { cause });
}

/**
 * What a browser-reported error that would blame the app's setup becomes. Anyone can load the
 * callback with any `error`, so only the token endpoint (server to server) may report configuration
 * problems; this one is shown and counted, but never makes the integration look misconfigured.
 */
export const UNVERIFIED_SETUP_ERROR: CatalogueEntry = {
  code: "provider_error",
  actor: "none",
  message: "Microsoft could not complete the sign-in. Try again in a moment; if it keeps happening, tell the app's support team.",
};

/**
 * An `?error=…&error_description=AADSTS…` redirect from the authorize endpoint. It arrives through
 * the browser, so it is unverified: errors whose actor would be the product team become
 * {@link UNVERIFIED_SETUP_ERROR}.
 */
export function fromAuthorizeError(error: string, description: string | undefined): ConnectFlowError {
  const reported = fromAuthorizeRedirect(error, description);
  if (reported.actor !== "product_team") return reported;
  return flowError(UNVERIFIED_SETUP_ERROR, reported.aadsts);
}

function fromAuthorizeRedirect(error: string, description: string | undefined): ConnectFlowError {
  const aadsts = parseAadsts(description);
  const entry = catalogueEntry(aadsts);
  if (entry) return flowError(entry, aadsts);
  if (error === "access_denied") return flowError(AADSTS_CATALOGUE[65004]!, aadsts);
  if (error === "consent_required") return flowError(AADSTS_CATALOGUE[65001]!, aadsts);
  if (error === "interaction_required") return flowError(AADSTS_CATALOGUE[50076]!, aadsts);
  if (error === "login_required") return flowError(AADSTS_CATALOGUE[50058]!, aadsts);
  if (error === "temporarily_unavailable" || error === "server_error") return flowError(TEMPORARY, aadsts);
  return flowError(UNKNOWN_AADSTS, aadsts);
}

/**
 * Anything openid-client or the network threw during a token request or ID token check, as the
 * flow error the user and the product backend see. The one place such errors are translated.
 */
export async function fromTokenRequestError(err: unknown): Promise<ConnectFlowError> {
  if (err instanceof ConnectFlowError) return err;
  if (err instanceof oidc.ResponseBodyError) {
    const codes = (err.cause as { error_codes?: unknown }).error_codes;
    const aadsts = parseAadsts(err.error_description) ?? (Array.isArray(codes) && typeof codes[0] === "number" ? codes[0] : null);
    const entry = catalogueEntry(aadsts);
    if (entry) return flowError(entry, aadsts, err);
    if (err.status === 429 || err.status >= 500) return flowError(TEMPORARY, aadsts, err);
    if (err.error === "invalid_client") return flowError(AADSTS_CATALOGUE[7000215]!, aadsts, err);
    // invalid_grant with a number the catalogue does not know is no proof the grant is dead (Entra
    // also says it of malformed requests): it stays unknown, and only catalogued numbers expire connections.
    return flowError(UNKNOWN_AADSTS, aadsts, err);
  }
  if (err instanceof oidc.WWWAuthenticateChallengeError) {
    // A 401 that challenges the client (RFC 6749 §5.2, invalid_client): the app's credentials.
    const response = (err as { response?: unknown }).response;
    const aadsts = response instanceof Response ? await aadstsOfBody(response) : null;
    const entry = catalogueEntry(aadsts);
    if (entry) return flowError(entry, aadsts, err);
    if (err.status === 429 || err.status >= 500) return flowError(TEMPORARY, aadsts, err);
    return flowError(AADSTS_CATALOGUE[70002]!, aadsts, err);
  }
  if (isUnanswered(err)) return flowError(TEMPORARY, null, err);
  if (err instanceof oidc.ClientError) {
    if (err.code === "OAUTH_JWT_CLAIM_COMPARISON_FAILED" && failedClaim(err) === "nonce") return flowError(UNVERIFIED("nonce_mismatch"), null, err);
    if ((err.code === "OAUTH_RESPONSE_IS_NOT_CONFORM" || err.code === "OAUTH_RESPONSE_IS_NOT_JSON") && err.cause instanceof Response) {
      // Bodies openid-client does not parse: 5xx from any endpoint, and every discovery error
      // (an unknown tenant is a 400 with AADSTS90002 there).
      const status = err.cause.status;
      const aadsts = await aadstsOfBody(err.cause);
      const entry = catalogueEntry(aadsts);
      if (entry) return flowError(entry, aadsts, err);
      if (status === 429 || status >= 500) return flowError(TEMPORARY, aadsts, err);
      if (status !== 200) return flowError(UNKNOWN_AADSTS, aadsts, err);
    }
    // Only an ID token that failed its checks is "could not be verified"; anything else openid-client
    // refuses is an answer we could not use, which says nothing about the grant.
    if (isIdTokenFailure(err)) return flowError(UNVERIFIED("id_token_invalid"), null, err);
    return flowError(UNEXPECTED_ANSWER, null, err);
  }
  throw err;
}

/** The token endpoint's answer that openid-client kept on its error, if any. */
function responseOf(err: unknown): Response | undefined {
  return [(err as { response?: unknown })?.response, (err as { cause?: unknown })?.cause].find((r): r is Response => r instanceof Response);
}

/** Retry-After (seconds or a date) of the token endpoint's answer, in ms from now, when openid-client kept it. */
export function entraRetryAfterMs(err: unknown): number | null {
  return retryAfterMs(responseOf(err)?.headers.get("retry-after"));
}

/** Entra asked the app to slow down: HTTP 429 or AADSTS50196 (too many requests). `error` is `err` translated. */
export function isEntraThrottling(err: unknown, error: ConnectFlowError): boolean {
  if (error.aadsts === 50196) return true;
  const status = err instanceof ConnectFlowError ? undefined : (err as { status?: unknown })?.status;
  return status === 429 || responseOf(err)?.status === 429;
}
