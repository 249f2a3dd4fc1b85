import type { ErrorActor, ErrorCode } from "./errorCodes.js";

/**
 * What one AADSTS number means here: our error code, who must act, and a message a person understands.
 *
 * @example
 * ```ts
 * import { type CatalogueEntry, catalogueEntry, UNKNOWN_AADSTS } from "@ads-connect/node";
 *
 * const entry: CatalogueEntry = catalogueEntry(65001) ?? UNKNOWN_AADSTS;
 * console.log(entry.code, entry.actor, entry.message); // admin_consent_required end_user_admin …
 * ```
 */
export interface CatalogueEntry {
  code: ErrorCode;
  actor: ErrorActor;
  /** Plain language, with the next step. */
  message: string;
}

const consent = (message: string): CatalogueEntry => ({ code: "admin_consent_required", actor: "end_user_admin", message });
const secret = (code: ErrorCode, message: string): CatalogueEntry => ({ code, actor: "product_team", message });

/**
 * Microsoft Entra errors (AADSTSnnnn) we can meet while connecting, mapped to our codes, to who must
 * act, and to a message a person understands. Unknown numbers fall back to {@link UNKNOWN_AADSTS}.
 *
 * @example
 * ```ts
 * import { AADSTS_CATALOGUE } from "@ads-connect/node";
 *
 * const entry = AADSTS_CATALOGUE[50076];
 * if (entry) console.log(`${entry.code}: ${entry.message}`); // mfa_required: Your organization requires …
 * ```
 */
export const AADSTS_CATALOGUE: Readonly<Record<number, CatalogueEntry>> = {
  65004: {
    code: "consent_declined",
    actor: "end_user",
    message: "You declined the permissions Microsoft Advertising needs. Connect again and choose Accept to continue.",
  },
  65001: consent(
    "Your organization has not approved this app yet. Send your Microsoft 365 administrator the approval link, then connect again once they have approved.",
  ),
  90094: consent(
    "Your organization requires an administrator to approve this app. Send your Microsoft 365 administrator the approval link, then connect again once they have approved.",
  ),
  90095: consent(
    "Your organization requires an administrator to approve this app. Send your administrator the approval link (or the request Microsoft offered), then connect again once they have approved.",
  ),
  50076: {
    code: "mfa_required",
    actor: "end_user",
    message: "Your organization requires multi-factor authentication. Connect again and complete the extra sign-in step.",
  },
  50079: {
    code: "mfa_required",
    actor: "end_user",
    message: "Your organization requires you to set up multi-factor authentication. Set it up when Microsoft asks, then connect again.",
  },
  53003: {
    code: "conditional_access_blocked",
    actor: "end_user_admin",
    message: "Your organization's access policies blocked this sign-in. Ask your administrator to allow Microsoft Advertising access from this app.",
  },
  530032: {
    code: "conditional_access_blocked",
    actor: "end_user_admin",
    message: "Your organization's security policy blocked this sign-in. Ask your administrator to allow this app, then connect again.",
  },
  50058: { code: "login_required", actor: "end_user", message: "You are not signed in to Microsoft. Connect again and sign in." },
  50020: {
    code: "account_not_allowed",
    actor: "end_user",
    message: "This Microsoft account cannot sign in to this app. Use an account from the expected organization, or a work account.",
  },
  70011: {
    code: "invalid_scope",
    actor: "product_team",
    message: "The app asked Microsoft for permissions in a form Microsoft rejects. The product team must fix the requested scopes.",
  },
  28000: {
    code: "invalid_scope",
    actor: "product_team",
    message: "The app asked Microsoft for permissions of more than one resource at once. The product team must request only Microsoft Advertising scopes.",
  },
  700022: {
    code: "invalid_scope",
    actor: "product_team",
    message: "The app asked Microsoft for permissions of more than one resource at once. The product team must request only Microsoft Advertising scopes.",
  },
  28002: {
    code: "invalid_scope",
    actor: "product_team",
    message: "Microsoft rejected the permissions the app asked for when issuing tokens. The product team must check the requested scopes (user_scopes).",
  },
  28003: {
    code: "invalid_scope",
    actor: "product_team",
    message: "The app asked Microsoft for tokens without any permission. The product team must request the Microsoft Advertising scope.",
  },
  50011: {
    code: "redirect_uri_mismatch",
    actor: "product_team",
    message: "The app's redirect URI is not registered in Microsoft Entra. The product team must add it to the app registration.",
  },
  70004: {
    code: "redirect_uri_mismatch",
    actor: "product_team",
    message:
      "The redirect URI the app sent is not valid for this app registration. The product team must register $PUBLIC_URL/oauth/callback exactly (see pnpm doctor).",
  },
  500112: {
    code: "redirect_uri_mismatch",
    actor: "product_team",
    message: "The redirect URI changed between sign-in and token exchange. The product team must check the server's PUBLIC_URL.",
  },
  7000215: secret(
    "invalid_client_secret",
    "The app's Microsoft client secret is wrong. The product team must set the secret's value (not its ID) in MICROSOFT_CLIENT_SECRET.",
  ),
  7000222: secret(
    "client_secret_expired",
    "The app's Microsoft client secret has expired. The product team must create a new secret in Microsoft Entra and update MICROSOFT_CLIENT_SECRET.",
  ),
  70002: secret(
    "invalid_client_secret",
    "Microsoft could not validate the app's credentials. The product team must check MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET (a Web app with a client secret).",
  ),
  50194: secret(
    "app_not_multitenant",
    "This app is registered for a single organization, so accounts from other organizations cannot connect. The product team must allow other organizations in the app registration (supported account types) or set MICROSOFT_TENANT to its tenant.",
  ),
  700016: secret(
    "app_not_found",
    "Microsoft does not know this app in that directory. The product team must check MICROSOFT_CLIENT_ID and the app's supported account types.",
  ),
  90002: {
    code: "tenant_not_found",
    actor: "end_user",
    message: "Microsoft could not find that organization. Check the organization (tenant) you sign in with.",
  },
  54005: { code: "code_already_redeemed", actor: "end_user", message: "This sign-in was already used. Connect again to start a new one." },
  70008: { code: "grant_expired", actor: "end_user", message: "The Microsoft sign-in has expired. Connect again to sign in anew." },
  700082: { code: "grant_expired", actor: "end_user", message: "The Microsoft connection expired after a long time without use. Reconnect to sign in again." },
  50173: {
    code: "grant_expired",
    actor: "end_user",
    message: "The Microsoft connection was revoked (for example after a password change). Reconnect to sign in again.",
  },
  70000: { code: "grant_expired", actor: "end_user", message: "Microsoft no longer accepts this sign-in. Connect again to sign in anew." },
  501481: { code: "pkce_mismatch", actor: "end_user", message: "The sign-in could not be verified. Connect again from the same window." },
  50196: {
    code: "provider_temporarily_unavailable",
    actor: "none",
    message: "Microsoft is receiving too many requests right now. Wait a moment and connect again.",
  },
  90033: { code: "provider_temporarily_unavailable", actor: "none", message: "Microsoft had a temporary problem. Wait a moment and connect again." },
};

/**
 * Entra's answers that say a refresh token can never work again, so the end user must reconnect:
 * expired or revoked grants (70000, 70008, 700082, 50173, 54005), consent revoked (65001), and MFA
 * now required for it (50076, 50079). The only refresh failures that expire a connection: any other
 * answer, known or not, leaves it in place.
 *
 * @example
 * ```ts
 * import { DEAD_GRANT_AADSTS, parseAadsts } from "@ads-connect/node";
 *
 * const aadsts = parseAadsts("AADSTS70008: The provided authorization code or refresh token has expired.");
 * const mustReconnect = aadsts !== null && DEAD_GRANT_AADSTS.has(aadsts); // true
 * ```
 */
export const DEAD_GRANT_AADSTS: ReadonlySet<number> = new Set([70000, 70008, 700082, 50173, 54005, 65001, 50076, 50079]);

/**
 * The entry for an AADSTS number the catalogue does not know: `provider_error`, for the product team.
 *
 * @example
 * ```ts
 * import { AADSTS_CATALOGUE, UNKNOWN_AADSTS } from "@ads-connect/node";
 *
 * const entry = AADSTS_CATALOGUE[9999999] ?? UNKNOWN_AADSTS;
 * console.log(entry.code); // "provider_error"
 * ```
 */
export const UNKNOWN_AADSTS: CatalogueEntry = {
  code: "provider_error",
  actor: "product_team",
  message: "Microsoft refused the sign-in with an error this app does not recognize. The product team can find Microsoft's error code in the server logs.",
};

/**
 * The catalogue's entry for Microsoft's number, if it has one.
 *
 * @example
 * ```ts
 * import { catalogueEntry, parseAadsts } from "@ads-connect/node";
 *
 * const entry = catalogueEntry(parseAadsts("AADSTS65004: User declined to consent to access the app."));
 * console.log(entry?.code, entry?.message); // consent_declined You declined the permissions …
 * ```
 */
export function catalogueEntry(aadsts: number | null): CatalogueEntry | undefined {
  return aadsts === null ? undefined : AADSTS_CATALOGUE[aadsts];
}

/**
 * The AADSTS number at the start of an Entra `error_description`, or null.
 *
 * @example
 * ```ts
 * import { parseAadsts } from "@ads-connect/node";
 *
 * parseAadsts("AADSTS50076: Due to a configuration change made by your administrator …"); // 50076
 * parseAadsts("invalid_grant"); // null
 * ```
 */
export function parseAadsts(description: string | null | undefined): number | null {
  const match = /^AADSTS(\d+)/.exec(description ?? "");
  return match ? Number(match[1]) : null;
}
