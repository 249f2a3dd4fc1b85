import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * Every text of the account picker and its end pages, in one table (English). `{placeholders}` are
 * filled in when the page is made. Translate or reword by pointing ACCOUNT_PICKER_STRINGS_FILE at a
 * JSON object with any of these keys (see docs/accounts.md).
 */
export const PICKER_STRINGS_EN = {
  lang: "en",
  headingSingle: "Choose your Microsoft Advertising account",
  headingMultiple: "Choose your Microsoft Advertising accounts",
  intro: "Signed in as {user}. Choose which account {product} may use.",
  introMultiple: "Signed in as {user}. Choose which accounts {product} may use.",
  legend: "Microsoft Advertising accounts",
  searchLabel: "Search accounts",
  searchHint: "Name, account number, account ID or customer ID",
  countAll: "{count} accounts",
  countMatches: "{matches} of {count} accounts match",
  noMatches: "No account matches “{query}”.",
  number: "Number",
  accountId: "Account ID",
  customer: "Customer",
  unnamed: "(no name)",
  status: "Status: {status}",
  submit: "Continue",
  chooseOne: "Choose an account to continue.",
  chooseAtLeastOne: "Choose at least one account to continue.",
  noAccountsHeading: "No Microsoft Advertising accounts yet",
  noAccountsBody: "{user} is connected, but it cannot reach any Microsoft Advertising account yet.",
  noAccountsNext:
    "Next step: sign up at ads.microsoft.com to create an account, or ask the administrator of an existing account to invite {user}. Then choose “Change accounts” in {product}.",
  accountsUnavailableHeading: "Your accounts could not be loaded",
  accountsUnavailableBody:
    "{user} is connected, but Microsoft Advertising did not list its accounts just now. {product} will try again; you can choose accounts later.",
  close: "Close",
} as const;

export type PickerStrings = { [K in keyof typeof PICKER_STRINGS_EN]: string };
export type PickerStringKey = keyof PickerStrings;

const OverridesSchema = z.strictObject(
  Object.fromEntries(Object.keys(PICKER_STRINGS_EN).map((key) => [key, z.string().min(1).max(1000).optional()])) as Record<
    PickerStringKey,
    z.ZodOptional<z.ZodString>
  >,
);

/** The English table with the file's overrides on top; a wrong file stops the server at start with the reason. */
export function loadPickerStrings(file: string | null): PickerStrings {
  if (!file) return { ...PICKER_STRINGS_EN };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`ACCOUNT_PICKER_STRINGS_FILE: cannot read it as JSON (${(err as Error).message})`);
  }
  const parsed = OverridesSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `ACCOUNT_PICKER_STRINGS_FILE: ${parsed.error.issues.map((i: z.core.$ZodIssue) => `${i.path.join(".") || "(file)"}: ${i.message}`).join("; ")}`,
    );
  return { ...PICKER_STRINGS_EN, ...parsed.data };
}

/** Fills `{name}` placeholders (values are plain text; the page escapes the result). */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
