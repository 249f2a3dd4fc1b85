import { Router } from "express";
import type { AdsState } from "./AdsState.js";
import { type AccessTokenLookup, adsAuthenticator, idOf } from "./adsAuth.js";
import { CAMPAIGN_TYPES } from "./adsCampaigns.js";
import { ADS_FAULTS, AdsFault, invalidRequest } from "./adsFaults.js";
import { objectBody } from "./objectBody.js";

const UPDATE_LIMIT = 100;
const SETTABLE_STATUSES = new Set(["Active", "Paused"]);

/** A `BatchError` as Campaign Management v13 REST returns it in `PartialErrors` (codes are the emulator's choice where noted). */
const batchError = (index: number, code: number, errorCode: string, message: string, fieldPath: string | null = null) => ({
  Code: code,
  Details: null,
  ErrorCode: errorCode,
  FieldPath: fieldPath,
  ForwardCompatibilityMap: null,
  Index: index,
  Message: message,
  Type: "BatchError",
});

/**
 * Campaign Management v13 REST: GetCampaignsByAccountId (`POST /Campaigns/QueryByAccountId`) and
 * UpdateCampaigns (`PUT /Campaigns`), account-scoped: `CustomerId` and `CustomerAccountId` required.
 */
export function campaignManagementRoutes(state: AdsState, lookup: AccessTokenLookup): Router {
  const router = Router();
  const { account } = adsAuthenticator(state, lookup);

  /** The body's AccountId: the header's account or another the user reaches under the same customer. */
  const bodyAccount = (body: Record<string, unknown>, call: ReturnType<typeof account>): string => {
    const accountId = idOf(body.AccountId);
    if (accountId === null) throw invalidRequest("AccountId is required.");
    if (!state.reaches(call.user, call.customerId, accountId)) throw new AdsFault(ADS_FAULTS[106], "AdApiFaultDetail");
    return accountId;
  };

  router.post("/CampaignManagement/v13/Campaigns/QueryByAccountId", (req, res) => {
    const call = account(req, "Campaigns/QueryByAccountId");
    const body = objectBody(req.body);
    const accountId = bodyAccount(body, call);
    // A space-separated set of flags ("Search Shopping"); unset means Search only, as Microsoft documents.
    const requested = body.CampaignType ?? "Search";
    const types = typeof requested === "string" ? requested.split(/[\s,]+/).filter(Boolean) : null;
    if (!types || types.length === 0 || !types.every((t) => (CAMPAIGN_TYPES as readonly string[]).includes(t)))
      throw invalidRequest(`CampaignType must name types among ${CAMPAIGN_TYPES.join(", ")}.`);
    if (body.ReturnAdditionalFields != null && typeof body.ReturnAdditionalFields !== "string")
      throw invalidRequest("ReturnAdditionalFields must be a comma-separated string.");
    const campaigns = state.campaignsOf(accountId).filter((c) => types.includes(c.CampaignType) && c.Status !== "Deleted");
    res.json({ Campaigns: campaigns.map((c) => ({ ...c })), PartialErrors: [] });
  });

  router.put("/CampaignManagement/v13/Campaigns", (req, res) => {
    const call = account(req, "Campaigns/Update");
    const body = objectBody(req.body);
    const accountId = bodyAccount(body, call);
    const updates = body.Campaigns;
    if (!Array.isArray(updates) || updates.length === 0) throw invalidRequest("Campaigns must list at least one campaign.");
    if (updates.length > UPDATE_LIMIT) throw invalidRequest(`Campaigns may hold at most ${UPDATE_LIMIT} campaigns.`);
    const errors: ReturnType<typeof batchError>[] = [];
    updates.forEach((item: unknown, index) => {
      const update = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>;
      const id = idOf(update.Id);
      const campaign = id === null ? undefined : state.campaign(accountId, id);
      if (!campaign || campaign.Status === "Deleted") {
        errors.push(batchError(index, 1100, "CampaignServiceInvalidCampaignId", "The campaign ID is invalid.", `Campaigns[${index}].Id`));
        return;
      }
      const status = update.Status;
      if (status !== undefined && status !== null && !SETTABLE_STATUSES.has(String(status))) {
        errors.push(
          batchError(
            index,
            1118,
            "CampaignServiceInvalidCampaignStatus",
            "The campaign status is invalid for the current operation.",
            `Campaigns[${index}].Status`,
          ),
        );
        return;
      }
      const budget = update.DailyBudget;
      if (budget !== undefined && budget !== null && (typeof budget !== "number" || !(budget > 0))) {
        errors.push(
          batchError(index, 1123, "CampaignServiceInvalidDailyBudgetAmount", "The daily budget amount is invalid.", `Campaigns[${index}].DailyBudget`),
        );
        return;
      }
      // Update semantics: only the fields sent (not null) change.
      if (typeof status === "string") campaign.Status = status;
      if (typeof budget === "number") campaign.DailyBudget = budget;
      if (typeof update.Name === "string" && update.Name.trim() !== "") campaign.Name = update.Name;
    });
    res.json({ PartialErrors: errors });
  });

  return router;
}
