/** Where Entra sends the browser back after a sign-in. Register it exactly (Web platform). */
export const SIGN_IN_CALLBACK_PATH = "/oauth/callback";
/** Where Entra sends an administrator back after admin consent. Register it too. */
export const ADMIN_CONSENT_CALLBACK_PATH = "/oauth/admin-consent/callback";

export const signInRedirectUri = (publicUrl: string) => `${publicUrl}${SIGN_IN_CALLBACK_PATH}`;
export const adminConsentRedirectUri = (publicUrl: string) => `${publicUrl}${ADMIN_CONSENT_CALLBACK_PATH}`;
/** Where the popup start page's form goes (Continue, Cancel, or the widget's handshake). */
export const CONNECT_CONTINUE_PATH = "/oauth/connect/microsoft-ads/continue";
/** Redirect mode's start: a form POST from the product page (no popup). */
export const CONNECT_REDIRECT_PATH = "/oauth/connect/microsoft-ads/redirect";
/** Where the account picker's form goes (the popup step after a sign-in, or a change-accounts link). */
export const ACCOUNT_PICKER_PATH = "/oauth/connect/microsoft-ads/accounts";
