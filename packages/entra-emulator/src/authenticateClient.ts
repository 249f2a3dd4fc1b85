import type { Request } from "express";
import { AADSTS } from "./aadsts.js";
import type { EmulatorState } from "./EmulatorState.js";
import { EntraHttpError } from "./EntraHttpError.js";
import type { ResolvedTenant } from "./resolveTenant.js";
import type { EmulatorClient } from "./types.js";
import { sameString } from "./verifyPkce.js";

/** client_secret_basic (RFC 6749 §2.3.1: form-urlencoded id and secret) or client_secret_post; throws Entra's errors. */
export function authenticateClient(state: EmulatorState, req: Request, form: URLSearchParams, tenant: ResolvedTenant): EmulatorClient {
  const basic = basicCredentials(req.get("authorization"));
  const clientId = basic?.clientId ?? form.get("client_id");
  const secret = basic?.secret ?? form.get("client_secret");
  if (!clientId) throw new EntraHttpError(400, "invalid_request", AADSTS.missingParameter("client_id"));
  const client = state.clients.get(clientId);
  if (!client) throw new EntraHttpError(400, "unauthorized_client", AADSTS.clientNotFound(clientId, tenant.segment));
  if (!secret) throw new EntraHttpError(401, "invalid_client", AADSTS.missingClientCredential());
  if (!sameString(secret, client.clientSecret)) throw new EntraHttpError(401, "invalid_client", AADSTS.invalidClientSecret(clientId));
  if (client.secretExpired) throw new EntraHttpError(401, "invalid_client", AADSTS.clientSecretExpired(clientId));
  return client;
}

function basicCredentials(header: string | undefined): { clientId: string; secret: string } | null {
  const match = /^basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon === -1) throw new EntraHttpError(401, "invalid_client", AADSTS.malformed());
  try {
    const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw new EntraHttpError(401, "invalid_client", AADSTS.malformed());
  }
}
