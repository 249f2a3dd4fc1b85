/** A campaign as Campaign Management v13 REST serializes `Campaign` (int64 ids as strings, absent as null). */
export interface AdsCampaign {
  AudienceAdsBidAdjustment: number | null;
  BiddingScheme: { Type: string } | null;
  BudgetType: string | null;
  DailyBudget: number | null;
  ExperimentId: string | null;
  FinalUrlSuffix: string | null;
  ForwardCompatibilityMap: unknown[];
  Id: string;
  MultimediaAdsBidAdjustment: number | null;
  Name: string;
  Status: string;
  SubType: string | null;
  TimeZone: string | null;
  TrackingUrlTemplate: string | null;
  UrlCustomParameters: unknown | null;
  CampaignType: string;
  Settings: unknown[] | null;
  BudgetId: string | null;
  Languages: string[] | null;
  AdScheduleUseSearcherTimeZone: boolean | null;
  BidStrategyId: string | null;
}

export const CAMPAIGN_TYPES = ["Search", "Shopping", "DynamicSearchAds", "Audience", "Hotel", "PerformanceMax", "App"] as const;

/** The seeded campaigns of every account: names, types and statuses (deterministic). */
const SEEDS: { suffix: string; type: string; status: string; budget: number }[] = [
  { suffix: "Brand", type: "Search", status: "Active", budget: 25 },
  { suffix: "Generic", type: "Search", status: "Paused", budget: 40 },
  { suffix: "Products", type: "Shopping", status: "Active", budget: 60 },
];

export function newCampaign(id: string, fields: Partial<AdsCampaign> & { Name: string }, timeZone: string): AdsCampaign {
  return {
    AudienceAdsBidAdjustment: null,
    BiddingScheme: { Type: "EnhancedCpc" },
    BudgetType: "DailyBudgetStandard",
    DailyBudget: 50,
    ExperimentId: null,
    FinalUrlSuffix: null,
    ForwardCompatibilityMap: [],
    Id: id,
    MultimediaAdsBidAdjustment: null,
    Status: "Active",
    SubType: null,
    TimeZone: timeZone,
    TrackingUrlTemplate: null,
    UrlCustomParameters: null,
    CampaignType: "Search",
    Settings: null,
    BudgetId: null,
    Languages: ["All"],
    AdScheduleUseSearcherTimeZone: false,
    BidStrategyId: null,
    ...fields,
  };
}

/**
 * An account's seeded campaigns: ids derive from the account id, names from the account name.
 * `count` (a large account) gives that many instead, cycling through every campaign type, every
 * tenth paused, budgets varying: the same account always gets the same campaigns.
 */
export function seedCampaigns(accountId: string, accountName: string, timeZone: string, count?: number): AdsCampaign[] {
  // Account ids count up from 180278106; campaign ids leave room for a million campaigns per account.
  const base = 400_000_000_000n + (BigInt(accountId) - 180_278_106n) * 1_000_000n;
  if (count !== undefined)
    return Array.from({ length: count }, (_, i) =>
      newCampaign(
        String(base + BigInt(i + 1)),
        {
          Name: `${accountName} Campaign ${String(i + 1).padStart(5, "0")}`,
          CampaignType: CAMPAIGN_TYPES[i % CAMPAIGN_TYPES.length]!,
          Status: i % 10 === 9 ? "Paused" : "Active",
          DailyBudget: 10 + (i % 90) + 0.5 * (i % 2),
        },
        timeZone,
      ),
    );
  return SEEDS.map((s, i) =>
    newCampaign(String(base + BigInt(i + 1)), { Name: `${accountName} ${s.suffix}`, CampaignType: s.type, Status: s.status, DailyBudget: s.budget }, timeZone),
  );
}
