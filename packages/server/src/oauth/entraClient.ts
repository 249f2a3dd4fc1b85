import * as oidc from "openid-client";
import type { Config } from "../config.js";
import { tracedFetch } from "../telemetry/tracedFetch.js";
import { fromTokenRequestError } from "./translateEntraError.js";

export const ENTRA_ORIGIN = "https://login.microsoftonline.com";

export interface EntraClient {
  /**
   * openid-client configuration for a tenant (`common`, a tenant id, …), discovered once and reused.
   * Fails with a ConnectFlowError (see translateEntraError), e.g. `tenant_not_found`.
   */
  configuration(tenant: string): Promise<oidc.Configuration>;
}

/**
 * Always discovers the real Entra authority, so openid-client's multi-tenant issuer handling (which
 * it applies only to login.microsoftonline.com) runs in every environment. With the emulator
 * configured, a custom fetch sends those requests to it instead.
 */
export function createEntraClient(microsoft: Config["microsoft"]): EntraClient {
  const cache = new Map<string, Promise<oidc.Configuration>>();
  const emulatorUrl = microsoft.emulatorUrl;
  // Each request to Entra is a client span (no query in it) carrying `traceparent`; with the
  // emulator configured, sent there instead.
  const traced = tracedFetch(fetch, "microsoft_entra");
  const customFetch: oidc.CustomFetch = (url, options) =>
    traced(emulatorUrl && url.startsWith(ENTRA_ORIGIN) ? emulatorUrl + url.slice(ENTRA_ORIGIN.length) : url, options as RequestInit);

  return {
    configuration(tenant) {
      let pending = cache.get(tenant);
      if (!pending) {
        pending = oidc.discovery(
          new URL(`${ENTRA_ORIGIN}/${encodeURIComponent(tenant)}/v2.0`),
          microsoft.clientId,
          { client_secret: microsoft.clientSecret },
          oidc.ClientSecretPost(microsoft.clientSecret),
          {
            // Seconds; kept by the configuration for its token requests too (ENTRA_TIMEOUT_MS).
            timeout: microsoft.timeoutMs / 1000,
            [oidc.customFetch]: customFetch,
            // The emulator's endpoints are plain http on loopback; real Entra is always https.
            execute: emulatorUrl ? [oidc.allowInsecureRequests] : [],
          },
        );
        // Discovery errors are Entra errors like the token endpoint's (AADSTS90002 for an unknown
        // tenant, a timeout while Entra is unreachable): translated in the one place.
        pending = pending.catch(async (err: unknown) => {
          throw await fromTokenRequestError(err);
        });
        cache.set(tenant, pending);
        // A failed discovery is retried on the next use instead of being remembered.
        pending.catch(() => cache.delete(tenant));
      }
      return pending;
    },
  };
}
