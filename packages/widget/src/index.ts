/**
 * @ads-connect/widget — the "Connect Microsoft Ads" button for React ({@link ConnectMicrosoftAds}),
 * the headless hook behind it ({@link useMicrosoftAdsConnect}), and everything of the framework-free
 * core (`@ads-connect/widget/core`).
 *
 * @example
 * ```tsx
 * import { ConnectMicrosoftAds } from "@ads-connect/widget";
 *
 * const button = <ConnectMicrosoftAds serverUrl="https://connect.example.com" getSessionToken={getSessionToken} />;
 * ```
 *
 * @packageDocumentation
 * @module @ads-connect/widget
 */

export * from "./core/index.js";
export { ConnectMicrosoftAds, type ConnectMicrosoftAdsProps } from "./react/ConnectMicrosoftAds.js";
export { type ConnectLabels, DEFAULT_LABELS, loadConnectLabels, resolveWidgetLanguage, type ShownAccount, WIDGET_LANGUAGES } from "./react/labels.js";
export type { ConnectState, ConnectStatus, UseMicrosoftAdsConnect, UseMicrosoftAdsConnectOptions } from "./react/useMicrosoftAdsConnect.js";
export { useMicrosoftAdsConnect } from "./react/useMicrosoftAdsConnect.js";
