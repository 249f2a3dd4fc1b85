export { ConnectMicrosoftAds, type ConnectMicrosoftAdsProps } from "./react/ConnectMicrosoftAds.js";
export { useMicrosoftAdsConnect } from "./react/useMicrosoftAdsConnect.js";
export type { ConnectState, ConnectStatus, UseMicrosoftAdsConnect, UseMicrosoftAdsConnectOptions } from "./react/useMicrosoftAdsConnect.js";
export { DEFAULT_LABELS, type ConnectLabels, type ShownAccount } from "./react/labels.js";
export * from "./core/index.js";
