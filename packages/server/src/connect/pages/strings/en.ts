/**
 * Every text of the popup's pages and the administrator's pages, in English: the source of the
 * other languages and the fallback for a key a table leaves out. `{placeholders}` are filled in
 * when a page is made; an object picks the plural form (Intl.PluralRules) of its `{count}`-like
 * number. Product terms (Microsoft Advertising, Microsoft) stay untranslated in every language.
 */
export const EN = {
  lang: "en",
  dir: "ltr",
  /** Stands in for PRODUCT_NAME when it is unset ("Choose which account this app may use."). */
  thisApp: "this app",

  // The start page (confirm before Microsoft).
  startHeading: "Connect Microsoft Advertising?",
  startHeadingChange: "Change Microsoft Advertising accounts?",
  startIntro: "{product} wants to connect your Microsoft Advertising account for {who}.",
  startIntroChange: "{product} wants you to choose which Microsoft Advertising accounts it uses for {who}.",
  startWarning:
    "Continue only if you are {who} or asked for this yourself. If someone sent you this link, choose Cancel: your advertising data would become available to their account.",
  startWarningChange:
    "Continue only if you are {who} or asked for this yourself. If someone sent you this link, choose Cancel: the next page lists your advertising accounts and would let them change which ones {product} uses.",
  continue: "Continue",
  cancel: "Cancel",

  // The account picker.
  headingSingle: "Choose your Microsoft Advertising account",
  headingMultiple: "Choose your Microsoft Advertising accounts",
  intro: "Signed in as {user}. Choose which account {product} may use.",
  introMultiple: "Signed in as {user}. Choose which accounts {product} may use.",
  legend: "Microsoft Advertising accounts",
  searchLabel: "Search accounts",
  searchHint: "Name, account number, account ID or customer ID",
  countAll: { one: "{count} account", other: "{count} accounts" },
  countMatches: { one: "{matches} of {count} accounts matches", other: "{matches} of {count} accounts match" },
  noMatches: "No account matches “{query}”.",
  number: "Number",
  accountId: "Account ID",
  customer: "Customer",
  unnamed: "(no name)",
  status: "Status: {status}",
  submit: "Continue",
  chooseOne: "Choose an account to continue.",
  chooseAtLeastOne: "Choose at least one account to continue.",
  noAccountsHeading: "No Microsoft Advertising accounts yet",
  noAccountsBody: "{user} is connected, but it cannot reach any Microsoft Advertising account yet.",
  noAccountsNext:
    "Next step: sign up at ads.microsoft.com to create an account, or ask the administrator of an existing account to invite {user}. Then choose “Change accounts” in {product}.",
  accountsUnavailableHeading: "Your accounts could not be loaded",
  accountsUnavailableBody:
    "{user} is connected, but Microsoft Advertising did not list its accounts just now. {product} will try again; you can choose accounts later.",
  close: "Close",

  // The result page.
  connectedHeading: "Microsoft Advertising connected",
  failedHeading: "Could not connect Microsoft Advertising",
  signedInAs: "Signed in as {name} ({username}).",
  accounts: "Accounts: {list}.",
  accountsMore: { one: "Accounts: {list} and {more} more.", other: "Accounts: {list} and {more} more." },
  closeWindow: "You can close this window.",
  /** A failure this table has no text for. */
  errorFallback: "Something went wrong. Close this window and try again from the app.",

  // Too many requests (rate limits).
  tooManyHeading: "Too many requests",
  tooManyRetry: {
    one: "Too many requests came from your network. Try again in {seconds} second.",
    other: "Too many requests came from your network. Try again in {seconds} seconds.",
  },
  tooManyReload: {
    one: "Too many requests came from your network. This page tries again in {seconds} second.",
    other: "Too many requests came from your network. This page tries again in {seconds} seconds.",
  },

  // The administrator's approval pages.
  adminLinkInvalidHeading: "This approval link is not valid",
  adminAskAgain: "Ask the person who sent it to connect again and send you the new link.",
  adminAlreadyApprovedHeading: "Already approved",
  adminAlreadyApprovedBody: "Your organization has approved this app. Users can connect Microsoft Advertising now.",
  adminLinkExpiredHeading: "This approval link has expired",
  adminLinkExpiredOn: "It expired on {date}.",
  adminResponseInvalidHeading: "This approval response is not valid",
  adminResponseInvalidBody: "It does not belong to an approval in progress. Open the approval link again.",
  adminOtherBrowserHeading: "This approval was started in another browser",
  adminOtherBrowserBody: "Open the approval link again in this browser.",
  adminResponseUsedHeading: "This approval response was already used",
  adminResponseUsedBody: "Open the approval link again if needed.",
  adminTooLongHeading: "The approval took too long",
  adminOpenAgain: "Open the approval link again.",
  adminTenantMismatchHeading: "This approval is for another organization",
  adminTenantMismatchBody:
    "The link asked for the approval of a different organization. Open the approval link again and sign in as an administrator of that organization.",
  adminApprovedHeading: "Approved for your organization",
  adminApprovedBody: "People in your organization can now connect Microsoft Advertising to this app.",
  adminApprovedNext: "Let the person who asked know they can connect again. You can close this window.",
  adminDeclinedHeading: "The app was not approved",
  adminMicrosoftSaid: "Microsoft said: {description}",
  adminNotConfirmed: "Microsoft did not confirm the approval.",
  adminDeclinedNext: "Open the approval link again to retry, or tell the person who asked that the app was not approved.",

  /**
   * The popup's failures by error code, shown on the result page and posted to the widget. English
   * has none: the server's own messages (more specific) are shown; add one here to reword a code.
   */
  errors: {} as Record<string, string>,
};
