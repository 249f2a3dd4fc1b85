import { type AdAccount, paginate } from "@ads-connect/shared";
import { z } from "zod";
import { MsAdsError } from "./MsAdsError.js";
import type { MsAdsCallContext } from "./msadsCall.js";
import type { MsAdsClient } from "./msadsClient.js";

/** int64 ids come as strings; numbers are accepted too and turned into strings. */
const MsId = z.union([z.string().regex(/^-?\d+$/), z.number().int()]).transform(String);
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

export const UserQueryResponseSchema = z.object({
  User: z.looseObject({ Id: MsId, UserName: text, CustomerId: MsId.nullish() }),
  CustomerRoles: z.array(z.looseObject({ RoleId: z.number().int().nullish(), CustomerId: MsId, AccountIds: z.array(MsId).nullish() })).nullish(),
});
export type UserQueryResponse = z.infer<typeof UserQueryResponseSchema>;

export const AdvertiserAccountSchema = z.looseObject({
  Id: MsId,
  Name: text,
  Number: text,
  AccountLifeCycleStatus: text,
  CurrencyCode: text,
  ParentCustomerId: MsId,
  PauseReason: z
    .number()
    .int()
    .nullish()
    .transform((v) => v ?? null),
  TimeZone: text,
  Language: text,
  AccountFinancialStatus: text,
  AccountMode: text,
});
export type AdvertiserAccount = z.infer<typeof AdvertiserAccountSchema>;

const AccountsSearchResponseSchema = z.object({ Accounts: z.array(AdvertiserAccountSchema).nullish() });

function validated<S extends z.ZodType>(schema: S, body: unknown, operation: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new MsAdsError(
    "invalid_response",
    `Microsoft Advertising ${operation} answered an unexpected shape (${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"})`,
    { operation },
  );
}

/** `User/Query` for the signed-in user (`UserId: null`). */
export async function queryUser(client: MsAdsClient, context: MsAdsCallContext): Promise<UserQueryResponse> {
  const body = await client.post("/CustomerManagement/v13/User/Query", { UserId: null }, context);
  return validated(UserQueryResponseSchema, body, "User/Query");
}

/**
 * Every account the user can reach, across all their customers (agencies span several), in
 * Microsoft's order: `Accounts/Search` with the UserId predicate, pages of 1000 until a short one.
 */
export async function searchAccountsOfUser(client: MsAdsClient, userId: string, context: MsAdsCallContext): Promise<AdvertiserAccount[]> {
  return paginate(async (PageInfo) => {
    const body = await client.post(
      "/CustomerManagement/v13/Accounts/Search",
      {
        Predicates: [{ Field: "UserId", Operator: "Equals", Value: userId }],
        Ordering: null,
        PageInfo,
        ReturnAdditionalFields: "TaxCertificate,AccountMode",
      },
      context,
    );
    return validated(AccountsSearchResponseSchema, body, "Accounts/Search").Accounts ?? [];
  });
}

/** Microsoft's account as the unified model. */
export function toAdAccount(account: AdvertiserAccount): AdAccount {
  return {
    id: account.Id,
    customer_id: account.ParentCustomerId,
    number: account.Number,
    name: account.Name,
    currency: account.CurrencyCode,
    time_zone: account.TimeZone,
    status: account.AccountLifeCycleStatus,
    pause_reason: account.PauseReason,
    language: account.Language,
    financial_status: account.AccountFinancialStatus,
    mode: account.AccountMode,
  };
}
