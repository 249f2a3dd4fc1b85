import { PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import type { Logger } from "pino";
import { AppError, ConnectFlowError } from "../errors.js";
import type { EntraClient } from "./entraClient.js";

export const SESSION_TENANT_PATH = `integrations_config_defaults.${PROVIDER_CONFIG_KEY}.connection_config.tenant`;
const MULTI_TENANT = new Set(["common", "organizations", "consumers"]);

/** Checks a tenant a session names; throws an AppError (400) when Microsoft says it does not exist. */
export type SessionTenantCheck = (tenant: string) => Promise<void>;

/**
 * Asks Entra's discovery whether a session's tenant (a domain or tenant id) exists, so the product
 * backend learns of a typo when it creates the session instead of a user meeting it in the popup.
 * When Entra cannot be asked right now, the session is created anyway (logged) and the popup
 * reports the problem if there is one.
 */
export function sessionTenantCheck(entra: EntraClient, logger: Logger): SessionTenantCheck {
  return async (tenant) => {
    if (MULTI_TENANT.has(tenant.toLowerCase())) return;
    try {
      await entra.configuration(tenant);
    } catch (err) {
      if (err instanceof ConnectFlowError && err.code === "tenant_not_found") {
        const message = `Microsoft Entra does not know the tenant "${tenant}"${err.aadsts ? ` (AADSTS${err.aadsts})` : ""}: use the organization's directory (tenant) id or one of its verified domains, or leave it unset`;
        throw new AppError("tenant_not_found", `${SESSION_TENANT_PATH}: ${message}`, 400, {
          details: [{ path: SESSION_TENANT_PATH, message, code: "tenant_not_found" }],
        });
      }
      const code = err instanceof ConnectFlowError ? err.code : err instanceof Error ? err.name : "unknown";
      logger.warn({ code }, "could not check the session's tenant with Microsoft Entra; the popup will report it");
    }
  };
}
