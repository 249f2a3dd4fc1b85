import { z } from "zod";

/** An int64 id as Microsoft sends it (a digit string). */
export const MsId = z.string().regex(/^\d{1,19}$/, "must be a Microsoft Advertising id (digits)");

/** Which account to work on; default the first account the end user selected. */
export const accountInput = { account_id: MsId.optional() };
