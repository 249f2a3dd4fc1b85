/** One Entra error: its AADSTS number and the full message, which starts with `AADSTSnnnn: `. */
export interface AadstsMessage {
  code: number;
  message: string;
}

const m = (code: number, text: string): AadstsMessage => ({ code, message: `AADSTS${code}: ${text}` });

/** Every AADSTS message the emulator can produce, worded as Entra words them, defined once. */
export const AADSTS = {
  tenantNotFound: (tenant: string) =>
    m(
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  missingParameter: (name: string) => m(900144, `The request body must contain the following parameter: '${name}'.`),
  malformed: () => m(9002313, "Invalid request. Request is malformed or invalid."),
  invalidRequest: (detail: string) => m(90023, `Invalid request. ${detail}`),
  clientNotFound: (clientId: string, directory: string) =>
    m(
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${directory}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  redirectUriMismatch: (uri: string, clientId: string) =>
    m(
      50011,
      `The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    ),
  responseTypeNotEnabled: (type: string) => m(700054, `response_type '${type}' is not enabled for the application.`),
  defaultScopeCombined: (scope: string) =>
    m(
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid. .default scope can't be combined with resource-specific scopes.`,
    ),
  moreThanOneResource: () => m(28000, "Provided value for the input parameter scope is not valid because it contains more than one resource."),
  codeChallengeSize: () => m(501491, "Invalid size of Code_Challenge parameter."),
  unsupportedPrompt: (prompt: string) => m(90023, `Unsupported 'prompt' value '${prompt}'.`),
  unsupportedCodeChallengeMethod: (method: string) =>
    m(90023, `Invalid request. The 'code_challenge_method' value '${method}' is not supported; use 'S256' or 'plain'.`),
  unsupportedResponseMode: (mode: string) => m(90023, `Invalid request. The 'response_mode' value '${mode}' is not supported.`),
  loginRequired: () => m(50058, "A silent sign-in request was sent but no user is signed in."),
  adminConsentPersonal: () => m(90094, "Personal Microsoft accounts cannot grant admin consent; use a tenant id or organizations in the admin-consent URL."),
  userDeclinedConsent: () => m(65004, "User declined to consent to access the app."),
  adminConsentRequired: (clientId: string, tenantName: string) =>
    m(
      90094,
      `The grant requires admin permission. An administrator of ${tenantName} has set a policy that prevents you from granting '${clientId}' the permissions it is requesting. Contact an administrator of ${tenantName}, who can grant permissions to this app on your behalf.`,
    ),
  mfaRequired: (resource: string) =>
    m(
      50076,
      `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resource}'.`,
    ),
  userNotInTenant: (username: string, tenant: string, clientId: string) =>
    m(
      50020,
      `User account '${username}' from identity provider 'live.com' does not exist in tenant '${tenant}' and cannot access the application '${clientId}' in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`,
    ),
  userNotFound: (tenant: string) =>
    m(
      50034,
      `The user account {EmailHidden} does not exist in the '${tenant}' directory. To sign into this application, the account must be added to the directory.`,
    ),
  interactionExpired: () => m(90015, "Requested query string is too long, or the sign-in request has expired. Start the sign-in again."),
  invalidClientSecret: (clientId: string) =>
    m(
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  clientSecretExpired: (clientId: string) =>
    m(
      7000222,
      `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
    ),
  missingClientCredential: () => m(7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
  grantNotOnCommon: () =>
    m(9001023, "The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint."),
  unsupportedGrantType: (grantType: string) => m(70003, `The app requested an unsupported grant type '${grantType}'.`),
  codeInvalid: () => m(70000, "The provided value for the 'code' parameter is not valid."),
  grantOfOtherClient: () => m(70000, "Provided grant is invalid or malformed."),
  codeRedeemed: () => m(54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token."),
  codeExpired: () =>
    m(
      70008,
      "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
    ),
  replyAddressMismatch: (sent: string, original: string) =>
    m(500112, `The reply address '${sent}' does not match the reply address '${original}' provided when requesting Authorization code.`),
  pkceMismatch: () => m(501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request."),
  throttled: () => m(50196, "The server terminated an operation because it encountered a client request loop. Please contact your app vendor."),
  transient: () => m(90033, "A transient error has occurred. Please try again."),
  refreshTokenExpired: (issuedOn: string, inactiveFor: string) =>
    m(700082, `The refresh token has expired due to inactivity. The token was issued on ${issuedOn} and was inactive for ${inactiveFor}.`),
  refreshTokenRevoked: (issuedOn: string, validFrom: string) =>
    m(
      50173,
      `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${issuedOn}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${validFrom}'.`,
    ),
  consentMissing: (clientId: string) =>
    m(
      65001,
      `The user or administrator has not consented to use the application with ID '${clientId}'. Send an interactive authorization request for this user and resource.`,
    ),
  clientCredentialsScope: (scope: string) =>
    m(
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  notFound: (path: string) => m(90010, `The request is not supported by the Entra emulator: '${path}'.`),
  serverError: () => m(90033, "A transient error has occurred. Please try again."),
} satisfies Record<string, (...args: never[]) => AadstsMessage>;

/** Builds an AADSTS message from a number and text given at runtime (injected errors). */
export function aadstsMessage(code: number, text: string): AadstsMessage {
  return text.startsWith("AADSTS") ? { code, message: text } : m(code, text);
}
