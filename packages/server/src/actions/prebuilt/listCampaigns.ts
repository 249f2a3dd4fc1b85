import { z } from "zod";
import { defineAction } from "../defineAction.js";
import { accountInput } from "./msadsInput.js";

/** Campaign types Campaign Management lists; Microsoft returns Search only unless told. */
export const CAMPAIGN_TYPES = ["Search", "Shopping", "DynamicSearchAds", "Audience", "PerformanceMax", "Hotel", "App"] as const;
const DEFAULT_TYPES = ["Search", "Shopping", "DynamicSearchAds", "Audience", "PerformanceMax"] as const;

const CampaignSchema = z.looseObject({
  Id: z.union([z.string(), z.number()]).transform(String),
  Name: z.string(),
  Status: z.string(),
  CampaignType: z.string().nullish(),
  DailyBudget: z.number().nullish(),
  BudgetType: z.string().nullish(),
  TimeZone: z.string().nullish(),
});

export const CampaignOutputSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  type: z.string().nullable(),
  daily_budget: z.number().nullable(),
  budget_type: z.string().nullable(),
  time_zone: z.string().nullable(),
});

/** Campaign Management `Campaigns/QueryByAccountId` (GetCampaignsByAccountId): every campaign of the account, in Microsoft's order. */
export const listCampaigns = defineAction({
  name: "list-campaigns",
  description: "The campaigns of one of the connection's accounts (default: the first selected), in Microsoft's order.",
  input: z.object({
    ...accountInput,
    campaign_types: z
      .array(z.enum(CAMPAIGN_TYPES))
      .min(1)
      .default([...DEFAULT_TYPES]),
  }),
  output: z.object({ account_id: z.string(), campaigns: z.array(CampaignOutputSchema) }),
  async run(ctx, input) {
    const account = ctx.accounts.get(input.account_id);
    const { data } = await ctx.proxy({
      method: "POST",
      endpoint: "/CampaignManagement/v13/Campaigns/QueryByAccountId",
      data: { AccountId: account.id, CampaignType: input.campaign_types.join(" "), ReturnAdditionalFields: null },
      accountId: account.id,
    });
    const campaigns = z.object({ Campaigns: z.array(CampaignSchema).nullish() }).parse(data).Campaigns ?? [];
    return {
      account_id: account.id,
      campaigns: campaigns.map((c) => ({
        id: c.Id,
        name: c.Name,
        status: c.Status,
        type: c.CampaignType ?? null,
        daily_budget: c.DailyBudget ?? null,
        budget_type: c.BudgetType ?? null,
        time_zone: c.TimeZone ?? null,
      })),
    };
  },
});
