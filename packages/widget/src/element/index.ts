/**
 * @ads-connect/widget/element — `<connect-microsoft-ads>`, the "Connect Microsoft Ads" button as a
 * custom element over the framework-free core: for plain HTML, Vue, Svelte, Angular and the rest.
 * Importing this module defines the element. The single-file script-tag build of it is served by
 * the ads-connect server at `/widget.js`.
 *
 * @example
 * ```ts
 * import type { ConnectSuccess } from "@ads-connect/widget/core";
 * import "@ads-connect/widget/element";
 *
 * const el = document.querySelector("connect-microsoft-ads")!;
 * el.getSessionToken = () => fetch("/api/connect-session", { method: "POST" }).then((r) => r.json()).then((b: { token: string }) => b.token);
 * el.addEventListener("success", (e) => console.log("connected", (e as CustomEvent<ConnectSuccess>).detail.connection_id));
 * ```
 *
 * @packageDocumentation
 * @module @ads-connect/widget/element
 */
export { ConnectMicrosoftAdsElement } from "./ConnectMicrosoftAdsElement.js";
