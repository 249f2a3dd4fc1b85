import { z } from "zod";
import { ActionError, defineAction } from "../defineAction.js";
import { accountInput, MsId } from "./msadsInput.js";

const UpdateResponseSchema = z.object({
  PartialErrors: z.array(z.looseObject({ Code: z.number().nullish(), ErrorCode: z.string().nullish(), Message: z.string().nullish() }).nullable()).nullish(),
});

/** Campaign Management UpdateCampaigns (`PUT /Campaigns`) setting one campaign's status. */
function campaignStatusAction(name: string, status: "Active" | "Paused", verb: string) {
  return defineAction({
    name,
    description: `${verb} one campaign of one of the connection's accounts (default: the first selected).`,
    input: z.object({ ...accountInput, campaign_id: MsId }),
    output: z.object({ account_id: z.string(), campaign_id: z.string(), status: z.literal(status) }),
    async run(ctx, input) {
      const account = ctx.accounts.get(input.account_id);
      const { data } = await ctx.proxy({
        method: "PUT",
        endpoint: "/CampaignManagement/v13/Campaigns",
        data: { AccountId: account.id, Campaigns: [{ Id: input.campaign_id, Status: status }] },
        accountId: account.id,
      });
      // A batch call answers 200 with PartialErrors for the items it refused.
      const refused = (UpdateResponseSchema.parse(data).PartialErrors ?? []).find((e) => e !== null);
      if (refused) {
        const what = `${refused.Code ?? "?"}${refused.ErrorCode ? ` ${refused.ErrorCode}` : ""}`;
        if (refused.Code === 1100) throw new ActionError(`Campaign ${input.campaign_id} is not in account ${account.id} (${what})`, 404);
        throw new ActionError(`Microsoft Advertising refused the update of campaign ${input.campaign_id}: ${refused.Message ?? "no message"} (${what})`, 422);
      }
      return { account_id: account.id, campaign_id: input.campaign_id, status };
    },
  });
}

export const pauseCampaign = campaignStatusAction("pause-campaign", "Paused", "Pauses");
export const resumeCampaign = campaignStatusAction("resume-campaign", "Active", "Resumes (activates)");
