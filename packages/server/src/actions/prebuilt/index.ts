import type { ReportDownloadOptions } from "../../msads/reportDownload.js";
import type { Action } from "../defineAction.js";
import { pauseCampaign, resumeCampaign } from "./campaignStatus.js";
import { listAccounts } from "./listAccounts.js";
import { listCampaigns } from "./listCampaigns.js";
import { performanceReportAction } from "./performanceReport.js";

/** The actions ads-connect ships, written with defineAction like any ACTIONS_DIR module (the report's download limits from the configuration). */
export function prebuiltActions(options: { reportDownload: ReportDownloadOptions }): readonly Action[] {
  return [listAccounts, listCampaigns, performanceReportAction(options.reportDownload), pauseCampaign, resumeCampaign];
}
