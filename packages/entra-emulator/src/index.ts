/**
 * @ads-connect/entra-emulator — a development and test identity provider shaped like Microsoft
 * Entra ID v2.0. It speaks real OAuth 2.0 / OpenID Connect over HTTP on Entra's own paths
 * (`/{tenant}/v2.0/.well-known/openid-configuration`, `/{tenant}/oauth2/v2.0/authorize`, `/token`,
 * `/{tenant}/discovery/v2.0/keys`), so a client pointed at login.microsoftonline.com can be routed
 * to it unchanged. Test users on its login page trigger Entra's failure modes (declined consent,
 * admin consent, MFA, throttling, revoked refresh tokens). Never use it in production.
 *
 * Beside it, a Microsoft Advertising API emulator (Customer Management v13 REST: `User/Query`,
 * `Accounts/Search`) in Microsoft's shapes, accepting only the access tokens its Entra emulator
 * issued; the same test users, with 0, 1, 3 or 2,500 accounts, an agency, one refused with 105.
 */

export { DEV_CLIENT_ID, DEV_CLIENT_SECRET } from "./devClient.js";
export { ADS_FAULTS } from "./msads/adsFaults.js";
export { dailyMetrics } from "./msads/adsReports.js";
export { ADS_PLANS, type AdsUserPlan } from "./msads/adsTestData.js";
export { SANDBOX_DEVELOPER_TOKEN, startMicrosoftAdsEmulator } from "./msads/startMicrosoftAdsEmulator.js";
export type { AdsAccount, AdsCampaign, AdsFaultCode, AdsRequestRecord, MicrosoftAdsEmulator, MicrosoftAdsEmulatorOptions } from "./msads/types.js";
export { startEntraEmulator } from "./startEntraEmulator.js";
export { CONSUMERS_TENANT_ID, CONTOSO_TENANT_ID, FABRIKAM_TENANT_ID } from "./tenantIds.js";
export { TEST_USERS, type TestUser, type TestUserBehavior } from "./testUsers.js";
export type {
  AuthorizeErrorInjection,
  EmulatorClient,
  EmulatorStats,
  EntraEmulator,
  EntraEmulatorOptions,
  IssuedRefreshToken,
  TokenErrorInjection,
  TokenGrantType,
  TokenNetworkFault,
} from "./types.js";
