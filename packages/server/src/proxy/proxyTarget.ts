import { isIP } from "node:net";
import { AppError } from "../errors.js";
import { allowedBases, isAllowedUrl, type MsAdsAllowList, type MsAdsService, msadsOrigin, serviceOfPath } from "../msads/msadsHosts.js";

/** Where proxied calls may go: the environment's Microsoft Advertising hosts, or only MICROSOFT_ADS_API_URL when set. */
export type ProxyAllowList = MsAdsAllowList;

export interface ProxyTarget {
  service: MsAdsService;
  /** The URL the call goes to (checked against the allow-list). */
  url: string;
}

const refuse = (message: string) => new AppError("proxy_refused", message, 400);

/**
 * Checks the caller's endpoint (`/CampaignManagement/v13/…?query`, as sent after `/proxy`): a plain
 * absolute path of a known service, nothing a URL parser or Microsoft's front door could read as
 * another host or another path. Throws `proxy_refused` (400) naming the problem.
 */
export function checkEndpoint(endpoint: string): { path: string; query: string; service: MsAdsService } {
  // Control characters, spaces and backslashes have no business in an API path.
  if (/[\u0000-\u0020\u007f\\]/.test(endpoint)) throw refuse("The endpoint contains spaces, control characters or backslashes");
  if (/^\/*[A-Za-z][A-Za-z0-9+.-]*:/.test(endpoint))
    throw refuse("The endpoint must be a path like /CampaignManagement/v13/Campaigns/QueryByAccountId, not an absolute URL: the host follows from the service");
  if (!endpoint.startsWith("/") || endpoint.startsWith("//")) throw refuse("The endpoint must be a path starting with a single /");
  const q = endpoint.indexOf("?");
  const path = q === -1 ? endpoint : endpoint.slice(0, q);
  const query = q === -1 ? "" : endpoint.slice(q);
  if (path.includes("@")) throw refuse("The endpoint must not contain @ (user information)");
  if (/%(2f|5c|2e|00|40|3f|23)/i.test(path)) throw refuse("The endpoint must not contain encoded slashes, backslashes, dots, @, ? or #");
  if (path.split("/").some((segment) => segment === "." || segment === "..")) throw refuse("The endpoint must not contain . or .. segments");
  if (query.includes("#")) throw refuse("The endpoint must not contain a fragment");
  const service = serviceOfPath(path);
  if (!service)
    throw refuse(
      "The endpoint must start with a Microsoft Advertising service and version, e.g. /CampaignManagement/v13/, /CustomerManagement/v13/ or /Reporting/v13/",
    );
  return { path, query, service };
}

/** A Base-Url-Override (Nango's header): accepted only when it is one of the allowed bases. */
export function checkBaseUrlOverride(value: string, allow: ProxyAllowList): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse("Base-Url-Override must be an absolute URL of a Microsoft Advertising host");
  }
  if (url.username || url.password) throw refuse("Base-Url-Override must not contain user information");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const trimmed = value.replace(/\/+$/, "");
  if (isIP(host) !== 0 && !allowedBases(allow).includes(trimmed)) throw refuse("Base-Url-Override must not be an IP address");
  if (!allowedBases(allow).includes(trimmed))
    throw refuse(`Base-Url-Override must be one of this server's Microsoft Advertising hosts (${allowedBases(allow).join(", ")})`);
  return trimmed;
}

/**
 * The URL a checked endpoint goes to: the service's host for the environment (or the API URL, or
 * an allowed override). The built URL is parsed again and must keep exactly the base and the path.
 */
export function resolveTarget(endpoint: string, allow: ProxyAllowList, baseUrlOverride?: string | null): ProxyTarget {
  const { path, query, service } = checkEndpoint(endpoint);
  const base = baseUrlOverride ? checkBaseUrlOverride(baseUrlOverride, allow) : (allow.apiUrl?.replace(/\/+$/, "") ?? msadsOrigin(service, allow.environment));
  const url = `${base}${path}${query}`;
  const parsed = new URL(url);
  const basePath = new URL(base).pathname.replace(/\/+$/, "");
  if (!isAllowedUrl(parsed, allow) || parsed.pathname !== `${basePath}${path}`)
    throw refuse("The endpoint does not resolve to a Microsoft Advertising URL unchanged");
  return { service, url: parsed.href };
}
