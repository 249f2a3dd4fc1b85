import { readFileSync } from "node:fs";
import { SUPPORTED_LOCALES, type SupportedLocale } from "@ads-connect/shared";
import { z } from "zod";
import { AR } from "./ar.js";
import { DE } from "./de.js";
import { EN } from "./en.js";
import { ES } from "./es.js";
import { FR } from "./fr.js";
import { JA } from "./ja.js";
import { type PageStrings, PLURAL_KEYS, type Plural } from "./types.js";

export type { PageStrings, Plural } from "./types.js";

/** The built-in tables, one per supported language. */
export const BUILT_IN: Readonly<Record<SupportedLocale, PageStrings>> = { en: EN as PageStrings, de: DE, fr: FR, es: ES, ja: JA, ar: AR };

/** Every language's table, with the product team's overrides on top. */
export type PageCatalogues = Readonly<Record<SupportedLocale, PageStrings>>;

const text = z.string().min(1).max(2000);
const plural = z.union([text, z.strictObject({ zero: text, one: text, two: text, few: text, many: text, other: text }).partial().required({ other: true })]);
const TableOverridesSchema = z
  .strictObject({
    ...(Object.fromEntries(
      (Object.keys(EN) as (keyof typeof EN)[]).map((key) => [key, (PLURAL_KEYS as readonly string[]).includes(key) ? plural : text]),
    ) as Record<Exclude<keyof typeof EN, "errors" | "dir">, typeof text>),
    dir: z.enum(["ltr", "rtl"]),
    errors: z.record(z.string().regex(/^[a-z_]+$/, "an error code such as consent_declined"), text),
  })
  .partial();
type TableOverrides = z.infer<typeof TableOverridesSchema>;
/** PAGE_STRINGS_FILE: overrides per language, e.g. `{ "de": { "continue": "Los geht's" } }`. */
const FileSchema = z.strictObject(
  Object.fromEntries(SUPPORTED_LOCALES.map((l) => [l, TableOverridesSchema.optional()])) as Record<SupportedLocale, z.ZodOptional<typeof TableOverridesSchema>>,
);

function readJson(setting: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${setting}: cannot read it as JSON (${(err as Error).message})`);
  }
}

function parseOrThrow<T>(setting: string, schema: z.ZodType<T>, json: unknown): T {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new Error(`${setting}: ${parsed.error.issues.map((i: z.core.$ZodIssue) => `${i.path.join(".") || "(file)"}: ${i.message}`).join("; ")}`);
}

function merge(table: PageStrings, overrides: TableOverrides | undefined): PageStrings {
  if (!overrides) return table;
  const merged = { ...table, ...overrides, errors: { ...table.errors, ...overrides.errors } } as Record<string, unknown>;
  // A plain string for a plural key is the same text for every number.
  for (const key of PLURAL_KEYS) if (typeof merged[key] === "string") merged[key] = { other: merged[key] };
  return merged as PageStrings;
}

/**
 * The built-in tables with the product team's texts on top: PAGE_STRINGS_FILE (per language) and
 * the older ACCOUNT_PICKER_STRINGS_FILE (one flat table, for the language its `lang` names, else
 * English). A wrong file stops the server at start with the reason.
 */
export function loadPageCatalogues(files: { pageStringsFile?: string | null; pickerStringsFile?: string | null } = {}): PageCatalogues {
  const out = { ...BUILT_IN } as Record<SupportedLocale, PageStrings>;
  if (files.pickerStringsFile) {
    const legacy = parseOrThrow("ACCOUNT_PICKER_STRINGS_FILE", TableOverridesSchema, readJson("ACCOUNT_PICKER_STRINGS_FILE", files.pickerStringsFile));
    const target = (SUPPORTED_LOCALES as readonly string[]).includes(legacy.lang ?? "") ? (legacy.lang as SupportedLocale) : "en";
    out[target] = merge(out[target], legacy);
  }
  if (files.pageStringsFile) {
    const perLocale = parseOrThrow("PAGE_STRINGS_FILE", FileSchema, readJson("PAGE_STRINGS_FILE", files.pageStringsFile));
    for (const locale of SUPPORTED_LOCALES) out[locale] = merge(out[locale], perLocale[locale]);
  }
  return out;
}

/** A plural text's form for `n` in the table's language. */
export function pluralForm(t: PageStrings, forms: Plural, n: number): string {
  return forms[new Intl.PluralRules(t.lang).select(n)] ?? forms.other;
}

/** A number written the language's way (digits, grouping). */
export function formatNumber(t: PageStrings, n: number): string {
  return new Intl.NumberFormat(t.lang).format(n);
}

/** A date and time written the language's way, in UTC (the server does not know the reader's zone). */
export function formatDate(t: PageStrings, ms: number): string {
  return new Intl.DateTimeFormat(t.lang, { dateStyle: "long", timeStyle: "short", timeZone: "UTC" }).format(ms);
}

/**
 * Fills `{name}` placeholders (values are plain text; the page escapes the result); numbers are
 * written the language's way. The language's "this app" (standing in for an unset PRODUCT_NAME)
 * starts with a capital letter when it starts a sentence; a real product name is kept as written.
 */
export function fill(template: string, values: Record<string, string | number>, t?: PageStrings): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string, offset: number) => {
    if (!(key in values)) return whole;
    const value = values[key]!;
    if (typeof value === "number") return t ? formatNumber(t, value) : String(value);
    const standIn = key === "product" && t !== undefined && value.replace(/[\ue000\ue001]/g, "") === t.thisApp;
    const startsSentence = offset === 0 || /[.!?。]\s*$/.test(template.slice(0, offset));
    return standIn && startsSentence ? capitalize(value, t.lang) : value;
  });
}

/** Capitalizes the first letter, skipping an isolate() marker in front of it. */
function capitalize(value: string, lang: string): string {
  return value.replace(/^(\ue000?)(.)/su, (_, mark: string, first: string) => mark + first.toLocaleUpperCase(lang));
}

/** A plural text for `n`, filled (see fill). */
export function fillPlural(t: PageStrings, forms: Plural, n: number, values: Record<string, string | number>): string {
  return fill(pluralForm(t, forms, n), values, t);
}

/** The product's name, or the language's "this app" when PRODUCT_NAME is unset. */
export function productName(t: PageStrings, configured: string | null): string {
  return configured ?? t.thisApp;
}

/** The page's text for a failure: the table's for its code, else its fallback. */
export function errorText(t: PageStrings, code: string): string {
  return t.errors[code] ?? t.errorFallback;
}
