import { AADSTS_CATALOGUE, UNKNOWN_AADSTS, catalogueEntry, parseAadsts, type CatalogueEntry } from "@ads-connect/shared";
import * as oidc from "openid-client";
import { ConnectFlowError } from "../errors.js";

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
    if (err.error === "invalid_grant") return flowError(AADSTS_CATALOGUE[70008]!, aadsts, err);
    if (err.error === "invalid_client") return flowError(AADSTS_CATALOGUE[7000215]!, aadsts, err);
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
    return flowError(UNVERIFIED("id_token_invalid"), null, err);
  }
  if (err instanceof TypeError || (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError"))) {
    return flowError(TEMPORARY, null, err);
  }
  throw err;
}
