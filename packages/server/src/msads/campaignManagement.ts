import type { Campaign } from "@ads-connect/shared";
import { z } from "zod";
import { MsAdsError } from "./MsAdsError.js";
import type { MsAdsCallContext } from "./msadsCall.js";
import type { MsAdsClient } from "./msadsClient.js";

/** Every campaign type GetCampaignsByAccountId knows: unset, Microsoft answers Search campaigns only. */
export const ALL_CAMPAIGN_TYPES = "Search Shopping DynamicSearchAds Audience Hotel PerformanceMax App";

const MsId = z.union([z.string().regex(/^-?\d+$/), z.number().int()]).transform(String);
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

const MsCampaignSchema = z.looseObject({
  Id: MsId,
  Name: z.string(),
  Status: text,
  CampaignType: text,
  BudgetType: text,
  DailyBudget: z.number().nullish(),
  BudgetId: MsId.nullish(),
  TimeZone: text,
  BiddingScheme: z.looseObject({ Type: text }).nullish(),
  Languages: z.array(z.string()).nullish(),
  TrackingUrlTemplate: text,
  FinalUrlSuffix: text,
});
type MsCampaign = z.infer<typeof MsCampaignSchema>;

const QueryResponseSchema = z.object({ Campaigns: z.array(MsCampaignSchema.nullable()).nullish() });

/** A money amount as a decimal string with two places (Microsoft's JSON numbers are doubles). */
export function decimal(value: number): string {
  return (Math.round(value * 100) / 100).toFixed(2);
}

/**
 * Campaign Management's GetCampaignsByAccountId (`POST /Campaigns/QueryByAccountId`) for one account,
 * every campaign type; the answer's size is bounded by the client (PROXY_MAX_RESPONSE_BYTES).
 */
export async function campaignsOfAccount(client: MsAdsClient, account: { id: string; customerId: string }, context: MsAdsCallContext): Promise<MsCampaign[]> {
  const body = await client.post(
    "/CampaignManagement/v13/Campaigns/QueryByAccountId",
    { AccountId: account.id, CampaignType: ALL_CAMPAIGN_TYPES, ReturnAdditionalFields: null },
    { ...context, customerId: account.customerId, accountId: account.id },
  );
  const parsed = QueryResponseSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MsAdsError(
      "invalid_response",
      `Microsoft Advertising Campaigns/QueryByAccountId answered an unexpected shape (${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"})`,
      { operation: "Campaigns/QueryByAccountId" },
    );
  }
  // A batch answer may hold nulls where an item failed (PartialErrors).
  return (parsed.data.Campaigns ?? []).filter((c): c is MsCampaign => c !== null);
}

/** Microsoft's campaign as the unified model. */
export function toCampaign(c: MsCampaign, account: { id: string; customerId: string; currency: string | null }): Campaign {
  return {
    id: c.Id,
    account_id: account.id,
    customer_id: account.customerId,
    name: c.Name,
    status: c.Status ?? "Unknown",
    type: c.CampaignType ?? "Search",
    budget: {
      amount: c.DailyBudget === null || c.DailyBudget === undefined ? null : decimal(c.DailyBudget),
      type: c.BudgetType,
      shared_budget_id: c.BudgetId ?? null,
    },
    currency: account.currency,
    time_zone: c.TimeZone,
    bidding_scheme: c.BiddingScheme?.Type ?? null,
    languages: c.Languages ?? [],
    tracking_url_template: c.TrackingUrlTemplate,
    final_url_suffix: c.FinalUrlSuffix,
  };
}
