import { CONSUMERS_TENANT_ID, TENANT_DIRECTORY } from "./tenantIds.js";
import { TEST_USERS, type TestUser } from "./testUsers.js";

export const ISSUER_TEMPLATE = "https://login.microsoftonline.com/{tenantid}/v2.0";

/** A tenant path segment (`common`, a GUID, a domain, …) understood the way Entra understands it. */
export interface ResolvedTenant {
  /** The segment as it appeared in the path. */
  segment: string;
  kind: "common" | "organizations" | "consumers" | "tenant";
  /** The tenant id for `consumers` and single tenants; null for `common` and `organizations`. */
  tenantId: string | null;
  /** The discovery document's `issuer`. */
  issuer: string;
  /** Whether this user may sign in through this tenant path. */
  admits(user: TestUser): boolean;
  /** The test users who may sign in here, for the login page. */
  users(): TestUser[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Null when Entra would answer AADSTS90002 (tenant not found). */
export function resolveTenant(segment: string): ResolvedTenant | null {
  const lower = segment.toLowerCase();
  const make = (kind: ResolvedTenant["kind"], tenantId: string | null, admits: (user: TestUser) => boolean): ResolvedTenant => ({
    segment,
    kind,
    tenantId,
    issuer: tenantId ? ISSUER_TEMPLATE.replace("{tenantid}", tenantId) : ISSUER_TEMPLATE,
    admits,
    users: () => TEST_USERS.filter(admits),
  });
  if (lower === "common") return make("common", null, () => true);
  if (lower === "organizations") return make("organizations", null, (u) => u.accountType === "work");
  if (lower === "consumers") return make("consumers", CONSUMERS_TENANT_ID, (u) => u.accountType === "personal");
  const tenantId = GUID.test(lower) ? lower : Object.entries(TENANT_DIRECTORY).find(([, t]) => t.domain === lower)?.[0];
  if (!tenantId) return null;
  return make("tenant", tenantId, (u) => u.tenantId === tenantId);
}
