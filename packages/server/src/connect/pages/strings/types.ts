import type { EN } from "./en.js";

/** One text per plural category of the language (Intl.PluralRules); `other` is always there. */
export type Plural = { other: string } & Partial<Record<Intl.LDMLPluralRule, string>>;

/** The keys whose text depends on a number. */
export const PLURAL_KEYS = ["countAll", "countMatches", "accountsMore", "tooManyRetry", "tooManyReload"] as const;
type PluralKey = (typeof PLURAL_KEYS)[number];
type TextKey = Exclude<keyof typeof EN, PluralKey | "errors" | "dir">;

/** Every text of the server's pages in one language (see en.ts). */
export type PageStrings = { [K in TextKey]: string } & { [K in PluralKey]: Plural } & {
  dir: "ltr" | "rtl";
  /** The popup's failures by error code; a code left out shows `errorFallback`. */
  errors: Partial<Record<string, string>>;
};
