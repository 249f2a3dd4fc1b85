/** The Microsoft Advertising services and the host each is served from (MSADS.md "Transport"). */
export const MSADS_SERVICE_HOSTS = {
  CustomerManagement: "clientcenter",
  CampaignManagement: "campaign",
  Reporting: "reporting",
  Bulk: "bulk",
  AdInsight: "adinsight",
  CustomerBilling: "clientcenter",
} as const;

export type MsAdsService = keyof typeof MSADS_SERVICE_HOSTS;
export type MsAdsEnvironment = "production" | "sandbox";

/** `https://<service>.api[.sandbox].bingads.microsoft.com`: the sandbox inserts `.sandbox`. */
export function msadsOrigin(service: MsAdsService, environment: MsAdsEnvironment): string {
  return `https://${MSADS_SERVICE_HOSTS[service]}.api${environment === "sandbox" ? ".sandbox" : ""}.bingads.microsoft.com`;
}

/** Every Microsoft Advertising origin this server may call, for an allow-list. */
export function msadsOrigins(environment: MsAdsEnvironment): string[] {
  return [...new Set((Object.keys(MSADS_SERVICE_HOSTS) as MsAdsService[]).map((s) => msadsOrigin(s, environment)))];
}

/** The service a path like `/CustomerManagement/v13/User/Query` belongs to, or null. */
export function serviceOfPath(path: string): MsAdsService | null {
  const first = /^\/([A-Za-z]+)\/v\d+\//.exec(path)?.[1];
  // Own keys only: `in` would also accept what every object inherits (toString, constructor…).
  return first && Object.hasOwn(MSADS_SERVICE_HOSTS, first) ? (first as MsAdsService) : null;
}

/**
 * Where a call to `path` goes: the service's host for the environment, or `apiUrl` (the local
 * emulator, MICROSOFT_ADS_API_URL) in place of every host, with the path kept as is.
 */
export function msadsUrl(path: string, environment: MsAdsEnvironment, apiUrl: string | null): string {
  const service = serviceOfPath(path);
  if (!service) throw new Error(`Not a Microsoft Advertising API path: ${path}`);
  return `${apiUrl ?? msadsOrigin(service, environment)}${path}`;
}

/** Where calls may go: the environment's Microsoft Advertising hosts, or only MICROSOFT_ADS_API_URL when set. */
export interface MsAdsAllowList {
  environment: MsAdsEnvironment;
  /** MICROSOFT_ADS_API_URL: replaces every host (path prefix kept). */
  apiUrl: string | null;
}

/** The allowed bases: every Microsoft Advertising origin of the environment, or the one API URL. */
export function allowedBases(allow: MsAdsAllowList): string[] {
  return allow.apiUrl ? [allow.apiUrl.replace(/\/+$/, "")] : msadsOrigins(allow.environment);
}

/** Whether a URL (e.g. a redirect's Location) stays on the allow-list: same scheme, host and port as an allowed base, no user information. */
export function isAllowedUrl(url: URL, allow: MsAdsAllowList): boolean {
  if (url.username || url.password) return false;
  return allowedBases(allow).some((base) => {
    const b = new URL(base);
    return b.origin === url.origin && url.pathname.startsWith(`${b.pathname.replace(/\/+$/, "")}/`);
  });
}
