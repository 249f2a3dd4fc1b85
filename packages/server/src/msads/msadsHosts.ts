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
