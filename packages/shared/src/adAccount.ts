import { z } from "zod";

/**
 * One Microsoft Advertising account the signed-in user can reach (the unified model; facts in
 * MSADS.md). Ids are strings (Microsoft's int64s). `id` is what the API wants (`CustomerAccountId`),
 * `number` is what people see in the Microsoft Advertising UI (e.g. "F12A34BC"), `customer_id` is
 * the account's parent customer (`CustomerId`); a user may span several customers (agencies).
 */
export const AdAccountSchema = z.object({
  id: z.string(),
  customer_id: z.string(),
  number: z.string().nullable(),
  name: z.string().nullable(),
  /** ISO 4217 (`CurrencyCode`), e.g. "USD". */
  currency: z.string().nullable(),
  /** Microsoft's time zone name, e.g. "PacificTimeUSCanadaTijuana". */
  time_zone: z.string().nullable(),
  /** `AccountLifeCycleStatus`: "Active", "Inactive", "Pause", "Pending", "Draft" … */
  status: z.string().nullable(),
  /** `PauseReason` (int32), null unless paused. */
  pause_reason: z.number().int().nullable(),
  language: z.string().nullable(),
  /** `AccountFinancialStatus`, e.g. "ClearFinancialStatus". */
  financial_status: z.string().nullable(),
  /** `AccountMode`, e.g. "Expert" or "Smart". */
  mode: z.string().nullable(),
});
export type AdAccount = z.infer<typeof AdAccountSchema>;

/** How many accounts the picker lets the user choose: one, several, or every account without asking. */
export const AccountSelectionSchema = z.enum(["single", "multiple", "all"]);
export type AccountSelection = z.infer<typeof AccountSelectionSchema>;

/** Nango's record metadata, on every record the records API returns. */
export const RecordMetadataSchema = z.object({
  first_seen_at: z.string(),
  last_modified_at: z.string(),
  last_action: z.enum(["ADDED", "UPDATED", "DELETED"]),
  deleted_at: z.string().nullable(),
  cursor: z.string(),
});
export type RecordMetadata = z.infer<typeof RecordMetadataSchema>;

export const AdAccountRecordSchema = AdAccountSchema.extend({ _nango_metadata: RecordMetadataSchema });
export type AdAccountRecord = z.infer<typeof AdAccountRecordSchema>;

export const AD_ACCOUNT_MODEL = "AdAccount";
