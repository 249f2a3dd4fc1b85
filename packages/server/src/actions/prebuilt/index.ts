import type { Action } from "../defineAction.js";
import { pauseCampaign, resumeCampaign } from "./campaignStatus.js";
import { listAccounts } from "./listAccounts.js";
import { listCampaigns } from "./listCampaigns.js";
import { getPerformanceReport } from "./performanceReport.js";

/** The actions ads-connect ships, written with defineAction like any ACTIONS_DIR module. */
export const PREBUILT_ACTIONS: readonly Action[] = [listAccounts, listCampaigns, getPerformanceReport, pauseCampaign, resumeCampaign];
