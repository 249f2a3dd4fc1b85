/**
 * @ads-connect/widget — the "Connect Microsoft Ads" button for React ({@link ConnectMicrosoftAds}),
 * the headless hook behind it ({@link useMicrosoftAdsConnect}), the core's flow functions
 * ({@link connect}, {@link resumeRedirect}) and its types. The core's lower-level helpers
 * (`fetchSessionStatus`, `isConnectResult`) are in `@ads-connect/widget/core` only: a React page
 * does not carry them before a click.
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

// From the modules, not the core entry: a host that ignores `sideEffects` would otherwise load all of the core entry.
export { connect } from "./core/connect.js";
export type { Account, AdAccount, ConnectResult, ErrorActor, ErrorCode } from "./core/protocol.js";
export { resumeRedirect } from "./core/resume.js";
export type { CancelReason, ConnectError, ConnectEvent, ConnectFlow, ConnectOptions, ConnectSuccess, SessionStatusData } from "./core/types.js";
export { ConnectMicrosoftAds, type ConnectMicrosoftAdsProps } from "./react/ConnectMicrosoftAds.js";
export { type ConnectLabels, DEFAULT_LABELS, loadConnectLabels, resolveWidgetLanguage, type ShownAccount, WIDGET_LANGUAGES } from "./react/labels.js";
export type { ConnectState, ConnectStatus, UseMicrosoftAdsConnect, UseMicrosoftAdsConnectOptions } from "./react/useMicrosoftAdsConnect.js";
export { useMicrosoftAdsConnect } from "./react/useMicrosoftAdsConnect.js";
