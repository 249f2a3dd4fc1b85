import { Router } from "express";
import { AADSTS, aadstsMessage } from "./aadsts.js";
import { authenticateClient } from "./authenticateClient.js";
import { authorizationCodeGrant } from "./authorizationCodeGrant.js";
import { clientCredentialsGrant } from "./clientCredentialsGrant.js";
import type { EmulatorState } from "./EmulatorState.js";
import { EntraHttpError } from "./EntraHttpError.js";
import type { TokenResponse } from "./issueTokens.js";
import { refreshTokenGrant } from "./refreshTokenGrant.js";
import { formBody } from "./requestParams.js";
import { requireTenant } from "./requireTenant.js";
import type { TokenGrantType } from "./types.js";

const GRANT_TYPES: readonly string[] = ["authorization_code", "refresh_token", "client_credentials"] satisfies TokenGrantType[];
const isGrantType = (value: string): value is TokenGrantType => GRANT_TYPES.includes(value);

/** POST /{tenant}/oauth2/v2.0/token. Errors are thrown as EntraHttpError and rendered by the app's error handler. */
export function tokenRoutes(state: EmulatorState): Router {
  const router = Router();

  router.post("/:tenant/oauth2/v2.0/token", async (req, res) => {
    res.set({ "Cache-Control": "no-store", Pragma: "no-cache" });
    const tenant = requireTenant(req, res);
    if (!tenant) return;
    const form = formBody(req);
    const grantType = form.get("grant_type");
    if (!grantType) throw new EntraHttpError(400, "invalid_request", AADSTS.missingParameter("grant_type"));
    if (!isGrantType(grantType)) throw new EntraHttpError(400, "unsupported_grant_type", AADSTS.unsupportedGrantType(grantType));
    state.stats.tokenRequests[grantType]++;

    const client = authenticateClient(state, req, form, tenant);
    const hold = state.holds[grantType];
    if (hold) delete state.holds[grantType];
    // Whatever the answer is (tokens or an error), a held request keeps it until released.
    let body: TokenResponse;
    try {
      const injected = state.injections[grantType].shift();
      if (injected) {
        const headers: Record<string, string> = {
          ...(injected.retryAfterSeconds !== undefined ? { "Retry-After": String(injected.retryAfterSeconds) } : {}),
          ...(injected.wwwAuthenticate !== undefined ? { "WWW-Authenticate": injected.wwwAuthenticate } : {}),
        };
        throw new EntraHttpError(injected.status, injected.error, aadstsMessage(injected.aadsts, injected.description), headers);
      }
      body =
        grantType === "authorization_code"
          ? await authorizationCodeGrant(state, client, form, tenant)
          : grantType === "refresh_token"
            ? await refreshTokenGrant(state, client, form)
            : clientCredentialsGrant(state, client, form, tenant);
    } finally {
      if (hold) await hold();
    }
    state.log(`token: ${grantType} for ${client.clientId} → 200${body.refresh_token ? " (with refresh token)" : ""}`);
    const issued = body.refresh_token ? state.refreshTokens.get(body.refresh_token) : undefined;
    // Whether the client got the new refresh token: a chaos oracle tells a lost answer from a lost write.
    if (issued) {
      res.once("finish", () => (issued.delivered ??= !req.socket.destroyed));
      res.once("close", () => (issued.delivered ??= res.writableFinished));
    }
    const fault = state.networkFaults[grantType].shift();
    if (fault?.kind === "reset") {
      if (issued) issued.delivered = false;
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "slow") {
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (req.socket.destroyed) {
        if (issued) issued.delivered = false;
        return;
      }
    }
    res.status(200).json(body);
  });

  return router;
}
