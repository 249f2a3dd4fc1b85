const GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** A tenant id (a GUID). */
export const TENANT_ID = new RegExp(`^${GUID}$`, "i");
/** Where a sign-in may go: common, organizations, consumers, a tenant id or a verified domain. */
export const TENANT = new RegExp(`^(common|organizations|consumers|${GUID}|[a-z0-9-]+(\\.[a-z0-9-]+)+)$`, "i");
