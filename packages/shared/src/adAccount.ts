import { z } from "zod";

/**
 * One Microsoft Advertising account the signed-in user can reach (the unified model; facts in
 * MSADS.md). Ids are strings (Microsoft's int64s). `id` is what the API wants (`CustomerAccountId`),
 * `number` is what people see in the Microsoft Advertising UI (e.g. "F12A34BC"), `customer_id` is
 * the account's parent customer (`CustomerId`); a user may span several customers (agencies).
 *
 * @example
 * ```ts
 * import { AdAccountSchema } from "@ads-connect/node";
 *
 * const account = AdAccountSchema.parse(json);
 * console.log(`${account.name} (${account.number}), ${account.currency}`);
 * ```
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

/**
 * A parsed {@link AdAccountSchema}: one Microsoft Advertising account.
 *
 * @example
 * ```ts
 * import type { AdAccount } from "@ads-connect/node";
 *
 * const label = (account: AdAccount) => account.name ?? account.number ?? account.id;
 * ```
 */
export type AdAccount = z.infer<typeof AdAccountSchema>;

/**
 * How many accounts the picker lets the user choose: one, several, or every account without asking.
 *
 * @example
 * ```ts
 * import { AccountSelectionSchema } from "@ads-connect/node";
 *
 * const account_selection = AccountSelectionSchema.parse(process.env.ACCOUNT_SELECTION ?? "multiple");
 * const { data } = await client.createConnectSession({ end_user: { id: "user-42" }, account_selection });
 * ```
 */
export const AccountSelectionSchema = z.enum(["single", "multiple", "all"]);

/**
 * A parsed {@link AccountSelectionSchema}: `single`, `multiple` or `all`.
 *
 * @example
 * ```ts
 * import type { AccountSelection } from "@ads-connect/node";
 *
 * const selection: AccountSelection = "single"; // radio buttons in the picker
 * await client.createConnectSession({ end_user: { id: "user-42" }, account_selection: selection });
 * ```
 */
export type AccountSelection = z.infer<typeof AccountSelectionSchema>;

/**
 * Nango's record metadata, on every record the records API returns.
 *
 * @example
 * ```ts
 * import { RecordMetadataSchema } from "@ads-connect/node";
 *
 * const meta = RecordMetadataSchema.parse(json); // a record's `_nango_metadata`
 * if (meta.last_action === "DELETED") console.log("gone since", meta.deleted_at);
 * ```
 */
export const RecordMetadataSchema = z.object({
  first_seen_at: z.string(),
  last_modified_at: z.string(),
  last_action: z.enum(["ADDED", "UPDATED", "DELETED"]),
  deleted_at: z.string().nullable(),
  cursor: z.string(),
});

/**
 * A parsed {@link RecordMetadataSchema}: a record's `_nango_metadata`.
 *
 * @example
 * ```ts
 * import type { RecordMetadata } from "@ads-connect/node";
 *
 * const isNew = (meta: RecordMetadata) => meta.last_action === "ADDED";
 * ```
 */
export type RecordMetadata = z.infer<typeof RecordMetadataSchema>;

/**
 * An ad account as `GET /records` returns it: the {@link AdAccountSchema} fields and Nango's `_nango_metadata`.
 *
 * @example
 * ```ts
 * import { AdAccountRecordSchema } from "@ads-connect/node";
 *
 * const record = AdAccountRecordSchema.parse(json);
 * console.log(record.id, record.name, record._nango_metadata.cursor);
 * ```
 */
export const AdAccountRecordSchema = AdAccountSchema.extend({ _nango_metadata: RecordMetadataSchema });

/**
 * A parsed {@link AdAccountRecordSchema}: an ad account with its record metadata.
 *
 * @example
 * ```ts
 * import type { AdAccountRecord } from "@ads-connect/node";
 *
 * const stillThere = (records: AdAccountRecord[]) => records.filter((r) => r._nango_metadata.deleted_at === null);
 * ```
 */
export type AdAccountRecord = z.infer<typeof AdAccountRecordSchema>;

/**
 * The records model of ad accounts (`model` of `GET /records` and of the sync webhook): `AdAccount`.
 *
 * @example
 * ```ts
 * import { AD_ACCOUNT_MODEL } from "@ads-connect/node";
 *
 * const { records } = await client.listRecords({ connectionId, model: AD_ACCOUNT_MODEL, limit: 100 });
 * ```
 */
export const AD_ACCOUNT_MODEL = "AdAccount";
