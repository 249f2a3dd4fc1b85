import { TEST_USERS, type TestUser } from "../testUsers.js";

/** What a test user has at Microsoft Advertising. */
export interface AdsUserPlan {
  /** Customers (name) with the names of the accounts under each, in Microsoft's order. */
  customers: { name: string; accounts: string[] }[];
  /** Every call with this user's token fails with 105 InvalidCredentials (wrong tenant or scope). */
  rejected?: boolean;
  /** Campaigns per account, generated when first asked for (default: the three seeded ones). */
  campaignsPerAccount?: number;
}

const many = Array.from({ length: 2500 }, (_, i) => `Many Ads ${String(i + 1).padStart(4, "0")}`);

/**
 * The Microsoft Advertising side of the Entra emulator's test users (by username). Users not named
 * here have one account named after them, so every user who can sign in can also connect.
 */
export const ADS_PLANS: Readonly<Record<string, AdsUserPlan>> = Object.freeze({
  "adele@contoso.example": { customers: [{ name: "Contoso", accounts: ["Contoso Ads"] }] },
  "three@contoso.example": { customers: [{ name: "Contoso", accounts: ["Contoso Search", "Contoso Shopping", "Contoso Brand"] }] },
  "none@contoso.example": { customers: [{ name: "Nora's business", accounts: [] }] },
  "many@contoso.example": { customers: [{ name: "Many Ads Inc.", accounts: many }] },
  "agency@contoso.example": {
    customers: [
      { name: "Northwind Traders", accounts: ["Northwind Search", "Northwind Display"] },
      { name: "Tailspin Toys", accounts: ["Tailspin Search", "Tailspin Shopping"] },
      { name: "Wide World Importers", accounts: ["Wide World Search"] },
    ],
  },
  "rejected@contoso.example": { customers: [{ name: "Contoso", accounts: ["Remy's Ads"] }], rejected: true },
  "bigcampaigns@contoso.example": { customers: [{ name: "Big Campaigns Ltd.", accounts: ["Big Campaigns"] }], campaignsPerAccount: 10_000 },
  "bigreport@contoso.example": { customers: [{ name: "Big Report Ltd.", accounts: ["Big Report"] }], campaignsPerAccount: 1_000 },
  "tencampaigns@contoso.example": { customers: [{ name: "Ten Campaigns Ltd.", accounts: ["Ten Campaigns"] }], campaignsPerAccount: 10 },
});

export function planFor(user: TestUser): AdsUserPlan {
  return ADS_PLANS[user.username] ?? { customers: [{ name: user.displayName, accounts: [`${user.displayName.split(" ")[0]}'s Ads`] }] };
}

export const ADS_TEST_USERS = TEST_USERS;
