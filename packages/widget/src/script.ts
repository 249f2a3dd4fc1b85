/**
 * The single-file script-tag build (`dist/widget.js`, served by the server at `/widget.js`): defines
 * `<connect-microsoft-ads>` and puts the core on `window.AdsConnect`.
 */
export * from "./core/index.js";
export { ConnectMicrosoftAdsElement } from "./element/index.js";
