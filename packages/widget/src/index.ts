export * from "./core/index.js";
export { ConnectMicrosoftAds, type ConnectMicrosoftAdsProps } from "./react/ConnectMicrosoftAds.js";
export { type ConnectLabels, DEFAULT_LABELS, type ShownAccount } from "./react/labels.js";
export type { ConnectState, ConnectStatus, UseMicrosoftAdsConnect, UseMicrosoftAdsConnectOptions } from "./react/useMicrosoftAdsConnect.js";
export { useMicrosoftAdsConnect } from "./react/useMicrosoftAdsConnect.js";
