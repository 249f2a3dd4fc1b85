import { AdAccountSchema } from "@ads-connect/shared";
import { z } from "zod";
import { defineAction } from "../../actions.js";

/** The connection's stored accounts (no call to Microsoft): the selected ones, or all. */
export const listAccounts = defineAction({
  name: "list-accounts",
  description: "The connection's Microsoft Advertising accounts as last synced (no API call): the ones the end user selected, or all.",
  input: z.object({ scope: z.enum(["selected", "all"]).default("selected") }),
  output: z.object({ accounts: z.array(AdAccountSchema) }),
  async run(ctx, input) {
    return { accounts: input.scope === "all" ? ctx.accounts.all : ctx.accounts.selected };
  },
});
