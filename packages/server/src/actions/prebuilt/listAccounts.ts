import { AdAccountSchema } from "@ads-connect/shared";
import { z } from "zod";
import { accountsNotChosen } from "../actionContext.js";
import { defineAction } from "../defineAction.js";

/** The connection's stored accounts (no call to Microsoft): the selected ones (409 while none was chosen), or all. */
export const listAccounts = defineAction({
  name: "list-accounts",
  description: "The connection's Microsoft Advertising accounts as last synced (no API call): the ones the end user selected, or all.",
  input: z.object({ scope: z.enum(["selected", "all"]).default("selected") }),
  output: z.object({ accounts: z.array(AdAccountSchema) }),
  async run(ctx, input) {
    if (input.scope === "all") return { accounts: ctx.accounts.all };
    if (!ctx.accounts.chosen) throw accountsNotChosen();
    return { accounts: ctx.accounts.selected };
  },
});
