import { CONSUMERS_TENANT_ID, CONTOSO_TENANT_ID, FABRIKAM_TENANT_ID } from "./tenantIds.js";

/** What signing in as a test user makes the emulator do. */
export type TestUserBehavior = "normal" | "declined_consent" | "admin_consent_required" | "mfa_required" | "token_429" | "token_5xx" | "refresh_revoked";

export interface TestUser {
  username: string;
  displayName: string;
  tenantId: string;
  objectId: string;
  accountType: "work" | "personal";
  behavior: TestUserBehavior;
  /** One line for the login page: what picking this user triggers. */
  description: string;
  /** May approve apps for the whole tenant on the admin-consent page. */
  admin?: boolean;
}

const work = (username: string, displayName: string, objectId: string, behavior: TestUserBehavior, description: string): TestUser =>
  Object.freeze({ username, displayName, tenantId: CONTOSO_TENANT_ID, objectId, accountType: "work", behavior, description });

/** The people on the login page; object ids are fixed so they stay stable across restarts. */
export const TEST_USERS: readonly TestUser[] = Object.freeze([
  work("adele@contoso.example", "Adele Vance", "a0e1e000-0000-4000-8000-000000000001", "normal", "Signs in and consents; everything works."),
  work("megan@contoso.example", "Megan Bowen", "a0e1e000-0000-4000-8000-000000000002", "normal", 'A second working account, for "different account" cases.'),
  Object.freeze<TestUser>({
    username: "alex@outlook.example",
    displayName: "Alex Wilber (personal)",
    tenantId: CONSUMERS_TENANT_ID,
    objectId: "00000000-0000-0000-6a4b-5c1d2e3f4a5b",
    accountType: "personal",
    behavior: "normal",
    description: "A personal Microsoft account; everything works.",
  }),
  work(
    "declined@contoso.example",
    "Diego Declines",
    "a0e1e000-0000-4000-8000-000000000004",
    "declined_consent",
    "Declines the consent prompt (access_denied, AADSTS65004).",
  ),
  Object.freeze<TestUser>({
    username: "needs-admin@fabrikam.example",
    displayName: "Nestor Needs-Admin",
    tenantId: FABRIKAM_TENANT_ID,
    objectId: "a0e1e000-0000-4000-8000-000000000005",
    accountType: "work",
    behavior: "admin_consent_required",
    description: "His organization requires admin approval (access_denied, AADSTS90094) until an administrator approves the app.",
  }),
  Object.freeze<TestUser>({
    username: "admin@fabrikam.example",
    displayName: "Farah Fabrikam-Admin",
    tenantId: FABRIKAM_TENANT_ID,
    objectId: "a0e1e000-0000-4000-8000-00000000000a",
    accountType: "work",
    behavior: "normal",
    description: "Fabrikam's administrator: approves apps for the organization on the admin-consent page.",
    admin: true,
  }),
  work(
    "mfa@contoso.example",
    "Miriam MFA",
    "a0e1e000-0000-4000-8000-000000000006",
    "mfa_required",
    "Must do multi-factor authentication (interaction_required, AADSTS50076).",
  ),
  work(
    "throttled@contoso.example",
    "Tess Throttled",
    "a0e1e000-0000-4000-8000-000000000007",
    "token_429",
    "Code redemption is throttled: HTTP 429 with Retry-After (AADSTS50196).",
  ),
  work("flaky@contoso.example", "Fred Five-Hundred", "a0e1e000-0000-4000-8000-000000000008", "token_5xx", "Code redemption fails with HTTP 503 (AADSTS90033)."),
  work(
    "revoked@contoso.example",
    "Rhea Revoked",
    "a0e1e000-0000-4000-8000-000000000009",
    "refresh_revoked",
    "Signs in fine; every refresh fails as revoked (invalid_grant, AADSTS50173).",
  ),
  // Microsoft Advertising cases (the Ads emulator's data for them is in msads/adsTestData.ts).
  work(
    "three@contoso.example",
    "Theo Three-Accounts",
    "a0e1e000-0000-4000-8000-00000000000b",
    "normal",
    "Has 3 Microsoft Advertising accounts (the account picker lists them).",
  ),
  work("none@contoso.example", "Nora No-Accounts", "a0e1e000-0000-4000-8000-00000000000c", "normal", "Has a Microsoft Advertising user but no accounts."),
  work(
    "many@contoso.example",
    "Manny Many-Accounts",
    "a0e1e000-0000-4000-8000-00000000000d",
    "normal",
    "Has 2,500 Microsoft Advertising accounts (3 pages of Accounts/Search).",
  ),
  work(
    "agency@contoso.example",
    "Agnes Agency",
    "a0e1e000-0000-4000-8000-00000000000e",
    "normal",
    "An agency: 5 Microsoft Advertising accounts under 3 customers.",
  ),
  work(
    "rejected@contoso.example",
    "Remy Rejected",
    "a0e1e000-0000-4000-8000-00000000000f",
    "normal",
    "Signs in fine; Microsoft Advertising rejects the token (code 105, as with a wrong tenant or scope).",
  ),
  work(
    "bigcampaigns@contoso.example",
    "Bianca Big-Campaigns",
    "a0e1e000-0000-4000-8000-000000000010",
    "normal",
    "One Microsoft Advertising account with 10,000 campaigns of every type (generated when first asked for).",
  ),
  work(
    "bigreport@contoso.example",
    "Bert Big-Report",
    "a0e1e000-0000-4000-8000-000000000011",
    "normal",
    "One Microsoft Advertising account with 1,000 campaigns: a year of daily performance is 365,000 report rows (streamed).",
  ),
  work(
    "tencampaigns@contoso.example",
    "Tess Ten-Campaigns",
    "a0e1e000-0000-4000-8000-000000000012",
    "normal",
    "One Microsoft Advertising account with 10 campaigns (the sync benchmark's connection).",
  ),
]);
