import { Router } from "express";
import type { EmulatorState } from "./EmulatorState.js";
import { escapeHtml, htmlPage } from "./htmlPage.js";
import { queryParams } from "./requestParams.js";
import { requireTenant } from "./requireTenant.js";
import type { ResolvedTenant } from "./resolveTenant.js";

const CLAIMS = [
  "sub",
  "iss",
  "cloud_instance_name",
  "cloud_instance_host_name",
  "cloud_graph_host_name",
  "msgraph_host",
  "aud",
  "exp",
  "iat",
  "auth_time",
  "acr",
  "nonce",
  "preferred_username",
  "name",
  "tid",
  "ver",
  "at_hash",
  "c_hash",
  "email",
];

/** Entra's v2.0 metadata document, with endpoints on the emulator and the tenant segment kept as requested. */
export function openidConfiguration(baseUrl: string, tenant: ResolvedTenant): Record<string, unknown> {
  const at = `${baseUrl}/${encodeURIComponent(tenant.segment)}`;
  return {
    token_endpoint: `${at}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${at}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: tenant.issuer,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${baseUrl}/oidc/userinfo`,
    authorization_endpoint: `${at}/oauth2/v2.0/authorize`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${at}/oauth2/v2.0/logout`,
    claims_supported: CLAIMS,
    code_challenge_methods_supported: ["plain", "S256"],
    tenant_region_scope: tenant.kind === "tenant" ? "NA" : null,
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
    rbac_url: "https://pas.windows.net",
  };
}

/** Discovery document, signing keys, and a minimal sign-out page. */
export function discoveryRoutes(state: EmulatorState): Router {
  const router = Router();

  router.get("/:tenant/v2.0/.well-known/openid-configuration", async (req, res) => {
    // A slow Entra: the document is answered only once the test releases the hold.
    if (state.discoveryHold) await state.discoveryHold();
    const tenant = requireTenant(req, res);
    if (tenant) res.json(openidConfiguration(state.baseUrl, tenant));
  });

  router.get("/:tenant/discovery/v2.0/keys", (req, res) => {
    if (requireTenant(req, res)) res.json({ keys: [state.signingKey.publicJwk] });
  });

  router.get("/:tenant/oauth2/v2.0/logout", (req, res) => {
    if (!requireTenant(req, res)) return;
    const target = queryParams(req).get("post_logout_redirect_uri");
    if (target && /^https?:\/\//.test(target)) {
      res.redirect(302, target);
      return;
    }
    res
      .type("html")
      .send(
        htmlPage(
          "Signed out — Entra emulator",
          `<h1>You signed out of your account</h1><p class="note">Local Entra emulator${target ? ` (ignored ${escapeHtml(target)})` : ""}.</p>`,
        ),
      );
  });

  return router;
}
