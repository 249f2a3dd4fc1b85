import { SUPPORTED_LOCALES, type SupportedLocale } from "@ads-connect/shared";

const supported = new Set<string>(SUPPORTED_LOCALES);

/** The supported language a tag names (`de-AT` → `de`, `ja` → `ja`), or undefined. */
export function matchLocale(tag: string | null | undefined): SupportedLocale | undefined {
  if (!tag) return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0]!;
  return supported.has(primary) ? (primary as SupportedLocale) : undefined;
}

/**
 * The best supported language for an `Accept-Language` header (RFC 9110 §12.5.4: by weight, then
 * order; `q=0` refuses), else English.
 */
export function negotiateLocale(acceptLanguage: string | null | undefined): SupportedLocale {
  if (!acceptLanguage) return "en";
  const ranges = acceptLanguage
    .slice(0, 1000)
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.split(";").map((s) => s.trim());
      const q = params.find((p) => /^q=/i.test(p));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag, weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((r) => r.tag && r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const r of ranges) {
    const match = matchLocale(r.tag);
    if (match) return match;
  }
  return "en";
}

/** The session's language when the product gave one it supports, else the browser's. */
export function resolveLocale(sessionLocale: string | null | undefined, acceptLanguage: string | null | undefined): SupportedLocale {
  return matchLocale(sessionLocale) ?? negotiateLocale(acceptLanguage);
}
