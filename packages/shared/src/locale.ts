import { z } from "zod";

/**
 * The languages the popup's pages and the widget speak; `ar` is written right to left.
 *
 * @example
 * ```ts
 * import { SUPPORTED_LOCALES } from "@ads-connect/node";
 *
 * const offered = SUPPORTED_LOCALES.includes("de"); // true
 * ```
 */
export const SUPPORTED_LOCALES = ["en", "de", "fr", "es", "ja", "ar"] as const;

/**
 * One of {@link SUPPORTED_LOCALES}.
 *
 * @example
 * ```ts
 * import type { SupportedLocale } from "@ads-connect/node";
 *
 * const locale: SupportedLocale = "fr";
 * ```
 */
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

/**
 * A BCP 47 language tag such as `de` or `fr-CA`; the server picks the closest supported language
 * (`fr-CA` → `fr`), English when none fits.
 *
 * @example
 * ```ts
 * import { LocaleTagSchema } from "@ads-connect/node";
 *
 * LocaleTagSchema.parse("pt-BR"); // well formed: shown in English (not supported yet)
 * ```
 */
export const LocaleTagSchema = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, "must be a language tag such as de or fr-CA")
  .meta({ description: `the popup's language, a BCP 47 tag (${SUPPORTED_LOCALES.join(", ")}; others fall back to English)` });
