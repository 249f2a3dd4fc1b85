/**
 * What only a started flow needs (the session token, the check of the popup's message): loaded at
 * the click, while the popup opens and the user signs in, so a page that shows the button does not
 * carry it.
 */
export { isConnectResult } from "./isConnectResult.js";
export { resolveToken } from "./token.js";
