import type { ResolvedTenant } from "./resolveTenant.js";

export type ResponseMode = "query" | "fragment" | "form_post";

/** Where and how results go back to the app. */
export interface RedirectTarget {
  redirectUri: string;
  responseMode: ResponseMode;
  state: string | null;
}

/** A validated /authorize request, kept while the user picks an account and while its code lives. */
export interface AuthorizeRequest extends RedirectTarget {
  tenant: ResolvedTenant;
  clientId: string;
  scopes: string[];
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: "S256" | "plain";
  prompt: string | null;
  loginHint: string | null;
  /** `ui_locales`' first well-formed language tag: the sign-in page's language (as Entra's). */
  uiLocale: string | null;
}
