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
export { ConnectMicrosoftAds, type ConnectMicrosoftAdsProps } from "./react/ConnectMicrosoftAds.js";
export { useMicrosoftAdsConnect } from "./react/useMicrosoftAdsConnect.js";
export type { ConnectState, ConnectStatus, UseMicrosoftAdsConnect, UseMicrosoftAdsConnectOptions } from "./react/useMicrosoftAdsConnect.js";
export { DEFAULT_LABELS, type ConnectLabels, type ShownAccount } from "./react/labels.js";
export * from "./core/index.js";
