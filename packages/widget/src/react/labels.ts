import { BASE_LABELS } from "./english.js";
import type { ConnectLabels } from "./labelTypes.js";

export type { ConnectLabels, ShownAccount } from "./labelTypes.js";

/**
 * The component's English texts; spread them to change only a few.
 *
 * @example
 * ```tsx
 * import { ConnectMicrosoftAds, DEFAULT_LABELS } from "@ads-connect/widget";
 *
 * const labels = { ...DEFAULT_LABELS, connect: "Link your Microsoft Ads account" };
 * const button = <ConnectMicrosoftAds serverUrl={serverUrl} getSessionToken={getSessionToken} labels={labels} />;
 * ```
 */
export const DEFAULT_LABELS: ConnectLabels = {
  ...BASE_LABELS,
  changeAccounts: "Change accounts",
  expired: (name, account) => `The connection for ${name} has expired. Reconnect and sign in as ${account ?? name} to keep your ads data flowing.`,
  copyLink: "Copy link",
  copied: "Copied",
};

/**
 * The languages the component speaks: English built in, the others loaded (a small separate
 * chunk each) only when used.
 *
 * @example
 * ```ts
 * import { WIDGET_LANGUAGES } from "@ads-connect/widget";
 *
 * const offered = WIDGET_LANGUAGES.includes("ja"); // true
 * ```
 */
export const WIDGET_LANGUAGES = ["en", "de", "fr", "es", "ja", "ar"] as const;

// One dynamic import per language: the bundler makes each its own chunk, fetched on first use.
const catalogues: Record<string, () => Promise<{ default: ConnectLabels }>> = {
  de: () => import("./locales/de.js"),
  fr: () => import("./locales/fr.js"),
  es: () => import("./locales/es.js"),
  ja: () => import("./locales/ja.js"),
  ar: () => import("./locales/ar.js"),
};

/**
 * The language the component speaks: `lang` when it is one of {@link WIDGET_LANGUAGES} (a region
 * is ignored: `fr-CA` → `fr`), else the browser's first supported language, else English.
 *
 * @example
 * ```ts
 * import { resolveWidgetLanguage } from "@ads-connect/widget";
 *
 * resolveWidgetLanguage("de-AT"); // "de"
 * resolveWidgetLanguage(undefined, ["pt-BR", "es"]); // "es"
 * ```
 */
export function resolveWidgetLanguage(lang?: string, browser: readonly string[] = globalThis.navigator?.languages ?? []): string {
  for (const tag of [lang, ...browser]) {
    const primary = tag?.toLowerCase().split(/[-_]/)[0] ?? "";
    if (primary === "en" || primary in catalogues) return primary;
  }
  return "en";
}

/**
 * The component's texts in a language (see {@link resolveWidgetLanguage}); for your own UI over
 * {@link useMicrosoftAdsConnect}. Loads that language's catalogue once; English needs no loading.
 *
 * @example
 * ```ts
 * import { loadConnectLabels } from "@ads-connect/widget";
 *
 * const labels = await loadConnectLabels("fr");
 * console.log(labels.connect); // "Connecter Microsoft Ads"
 * ```
 */
export async function loadConnectLabels(lang?: string): Promise<ConnectLabels> {
  const load = catalogues[resolveWidgetLanguage(lang)];
  return load ? { ...DEFAULT_LABELS, ...(await load()).default } : DEFAULT_LABELS;
}
