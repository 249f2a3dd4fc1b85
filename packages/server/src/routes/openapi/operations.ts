import {
  GetConnectionQuerySchema,
  ListConnectionsQuerySchema,
  PROVIDER_CONFIG_KEY,
  ProviderConfigKeyQuerySchema,
  RecordsQuerySchema,
  WebhookDeliveriesQuerySchema,
} from "@ads-connect/shared";
import type { z } from "zod";
import {
  ACCOUNT_PICKER_PATH,
  ADMIN_CONSENT_CALLBACK_PATH,
  CONNECT_CONTINUE_PATH,
  CONNECT_REDIRECT_PATH,
  SIGN_IN_CALLBACK_PATH,
} from "../../oauth/redirectUris.js";
import { MAX_PROXY_RETRIES } from "../../proxy/proxyService.js";
import type { RequestBodyName, ResponseBodyName } from "./components.js";

/** Who may call: the product backend's secret key, the widget's connect session token, or anyone. */
export type Auth = "secretKey" | "connectSession" | "none";

export interface HeaderParam {
  name: string;
  required: boolean;
  description: string;
}

export interface Operation {
  method: "get" | "post" | "patch" | "delete" | "put" | "options";
  /** OpenAPI's form (`{connectionId}`), without PUBLIC_URL's path prefix. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  auth: Auth;
  query?: z.ZodType;
  headers?: HeaderParam[];
  /** A path parameter's description, by name. */
  pathParams?: Record<string, string>;
  body?: RequestBodyName;
  /** Statuses with their JSON body (a component name), `html`, `any` (any JSON) or `empty`. */
  responses: Record<string, { description: string; body: ResponseBodyName | "html" | "any" | "empty" }>;
}

/** The methods `/proxy/{endpoint}` documents (the route itself passes any method on). */
export const PROXY_METHODS = ["get", "post", "put", "patch", "delete"] as const;

const CONNECTION_HEADERS: HeaderParam[] = [
  { name: "Connection-Id", required: true, description: "The connection's id." },
  { name: "Provider-Config-Key", required: false, description: `The integration id; "${PROVIDER_CONFIG_KEY}" when given.` },
];
const CONNECTION_ID = { connectionId: "The connection's id (`connection_id`)." };
const ok = (body: ResponseBodyName | "any", description = "OK") => ({ "200": { description, body } });
const page = (description: string) => ({ description, body: "html" as const });

/**
 * Every route the server mounts, one entry per method and path. A test compares this list with the
 * Express app's router, so a route added without a line here (or a line without a route) fails.
 */
export const OPERATIONS: Operation[] = [
  // Product backend: connect sessions
  {
    method: "post",
    path: "/connect/sessions",
    operationId: "createConnectSession",
    summary: "Create a connect session for one end user (Nango's shape)",
    tag: "Connect sessions",
    auth: "secretKey",
    body: "CreateConnectSessionBody",
    responses: { "201": { description: "Created", body: "ConnectSessionResponse" } },
  },
  {
    method: "post",
    path: "/connect/sessions/reconnect",
    operationId: "createReconnectSession",
    summary: "Create a session that signs an existing connection in again (Nango's shape)",
    tag: "Connect sessions",
    auth: "secretKey",
    body: "CreateReconnectSessionBody",
    responses: { "201": { description: "Created", body: "ConnectSessionResponse" } },
  },
  {
    method: "post",
    path: "/connect/sessions/change-accounts",
    operationId: "createChangeAccountsSession",
    summary: "Create a session that only shows the account picker for an existing connection",
    tag: "Connect sessions",
    auth: "secretKey",
    body: "CreateChangeAccountsSessionBody",
    responses: { "201": { description: "Created", body: "ConnectSessionResponse" } },
  },
  {
    method: "get",
    path: "/connect/session/status",
    operationId: "getConnectSessionStatus",
    summary: "The widget's poll: the session's state and the result of its latest attempt",
    tag: "Connect sessions",
    auth: "connectSession",
    responses: ok("SessionStatusResponse"),
  },
  {
    method: "options",
    path: "/connect/session/status",
    operationId: "preflightConnectSessionStatus",
    summary: "CORS preflight of the widget's poll (origins in ALLOWED_ORIGINS)",
    tag: "Connect sessions",
    auth: "none",
    responses: { "204": { description: "Allowed", body: "empty" } },
  },
  {
    method: "post",
    path: "/connect/redirect/result",
    operationId: "redeemRedirectResult",
    summary: "Redirect mode: the widget redeems the one-time result token its return URL carried (once, from the page's origin)",
    tag: "Connect sessions",
    auth: "none",
    headers: [{ name: "Authorization", required: true, description: "`Bearer <adsc_result token>` from the return URL." }],
    responses: { ...ok("RedirectResultResponse"), "401": { description: "Unknown, used, expired or another origin's", body: "Error" } },
  },
  {
    method: "options",
    path: "/connect/redirect/result",
    operationId: "preflightRedirectResult",
    summary: "CORS preflight of the redirect result (origins in ALLOWED_ORIGINS)",
    tag: "Connect sessions",
    auth: "none",
    responses: { "204": { description: "Allowed", body: "empty" } },
  },
  {
    method: "get",
    path: "/widget.js",
    operationId: "widgetScript",
    summary: "The script-tag widget: `<connect-microsoft-ads>` and `window.AdsConnect` (JavaScript, cacheable, ETag)",
    tag: "Browser pages",
    auth: "none",
    responses: { "200": { description: "JavaScript (text/javascript)", body: "any" }, "304": { description: "Not modified", body: "empty" } },
  },
  // Product backend: connections
  {
    method: "get",
    path: "/connections",
    operationId: "listConnections",
    summary: "List connections, without credentials (Nango's shape plus account fields)",
    tag: "Connections",
    auth: "secretKey",
    query: ListConnectionsQuerySchema,
    responses: ok("ListConnectionsResponse"),
  },
  {
    method: "get",
    path: "/connections/{connectionId}",
    operationId: "getConnection",
    summary: "One connection with a fresh access token (Nango's shape)",
    tag: "Connections",
    auth: "secretKey",
    pathParams: CONNECTION_ID,
    query: GetConnectionQuerySchema,
    responses: ok("Connection"),
  },
  {
    method: "patch",
    path: "/connections/{connectionId}",
    operationId: "patchConnection",
    summary: "Change a connection's end user, tags, metadata or selected accounts",
    tag: "Connections",
    auth: "secretKey",
    pathParams: CONNECTION_ID,
    query: ProviderConfigKeyQuerySchema,
    body: "PatchConnectionBody",
    responses: ok("SuccessResponse"),
  },
  {
    method: "delete",
    path: "/connections/{connectionId}",
    operationId: "deleteConnection",
    summary: "Delete a connection",
    tag: "Connections",
    auth: "secretKey",
    pathParams: CONNECTION_ID,
    query: ProviderConfigKeyQuerySchema,
    responses: ok("SuccessResponse"),
  },
  {
    method: "post",
    path: "/connections/{connectionId}/sync",
    operationId: "syncConnectionAccounts",
    summary: "Run the accounts sync of one connection now",
    tag: "Accounts",
    auth: "secretKey",
    pathParams: CONNECTION_ID,
    query: ProviderConfigKeyQuerySchema,
    responses: ok("SyncNowResponse"),
  },
  // Records and syncs (Nango's shapes)
  {
    method: "get",
    path: "/records",
    operationId: "listRecords",
    summary: "A connection's ad accounts as Nango records, changes since a cursor",
    tag: "Accounts",
    auth: "secretKey",
    query: RecordsQuerySchema,
    headers: CONNECTION_HEADERS,
    responses: ok("RecordsResponse"),
  },
  {
    method: "post",
    path: "/sync/trigger",
    operationId: "triggerSync",
    summary: "Run the accounts sync now (Nango's trigger)",
    tag: "Accounts",
    auth: "secretKey",
    body: "TriggerSyncBody",
    responses: ok("SuccessResponse"),
  },
  // Actions (Nango's shapes)
  {
    method: "get",
    path: "/actions",
    operationId: "listActions",
    summary: "The actions this server offers, with their input and output JSON Schemas",
    tag: "Actions",
    auth: "secretKey",
    responses: ok("ActionsListResponse"),
  },
  {
    method: "post",
    path: "/action/trigger",
    operationId: "triggerAction",
    summary: "Run an action for a connection; the answer is its output",
    tag: "Actions",
    auth: "secretKey",
    headers: CONNECTION_HEADERS,
    body: "TriggerActionBody",
    responses: ok("any", "The action's output"),
  },
  // The proxy
  ...PROXY_METHODS.map(
    (method): Operation => ({
      method,
      path: "/proxy/{endpoint}",
      operationId: `proxy${method[0]!.toUpperCase()}${method.slice(1)}`,
      summary: "Call Microsoft Advertising for a connection (tokens and account headers added)",
      tag: "Proxy",
      auth: "secretKey",
      pathParams: { endpoint: "A Microsoft Advertising API path, slashes included, e.g. `CustomerManagement/v13/User/Query`." },
      headers: [
        ...CONNECTION_HEADERS,
        { name: "Customer-Id", required: false, description: "Microsoft's CustomerId: one of the connection's customers." },
        { name: "Account-Id", required: false, description: "Microsoft's CustomerAccountId: one of the connection's accounts." },
        { name: "Retries", required: false, description: `Retries of a failed call (0-${MAX_PROXY_RETRIES}).` },
      ],
      responses: { default: { description: "Microsoft Advertising's answer, passed on with its status; or this server's error", body: "any" } },
    }),
  ),
  // Operators
  {
    method: "get",
    path: "/webhooks/deliveries",
    operationId: "listWebhookDeliveries",
    summary: "Queued webhook events and each attempt to deliver them",
    tag: "Operations",
    auth: "secretKey",
    query: WebhookDeliveriesQuerySchema,
    responses: ok("WebhookDeliveriesResponse"),
  },
  {
    method: "get",
    path: "/integrations/{integration}/status",
    operationId: "getIntegrationStatus",
    summary: "Is the integration healthy, and if not, why",
    tag: "Operations",
    auth: "secretKey",
    pathParams: { integration: `"${PROVIDER_CONFIG_KEY}"` },
    responses: ok("IntegrationStatusResponse"),
  },
  {
    method: "get",
    path: "/health",
    operationId: "health",
    summary: "Liveness (not rate limited)",
    tag: "Operations",
    auth: "none",
    responses: ok("HealthResponse"),
  },
  { method: "get", path: "/healthz", operationId: "healthz", summary: "Liveness", tag: "Operations", auth: "none", responses: ok("HealthResponse") },
  {
    method: "get",
    path: "/readyz",
    operationId: "readyz",
    summary: "Readiness: database reachable and migrations current",
    tag: "Operations",
    auth: "none",
    responses: { ...ok("ReadinessResponse", "Ready"), "503": { description: "Not ready (Retry-After)", body: "ReadinessResponse" } },
  },
  {
    method: "get",
    path: "/openapi.json",
    operationId: "openapi",
    summary: "This document",
    tag: "Operations",
    auth: "none",
    responses: ok("any", "The OpenAPI 3.1 document"),
  },
  // Browser pages of the popup and of admin consent (HTML, not an API)
  {
    method: "get",
    path: "/oauth/connect/{integration}",
    operationId: "startPage",
    summary: "The popup's start page (opened by the widget with the session token)",
    tag: "Browser pages",
    auth: "none",
    pathParams: { integration: `"${PROVIDER_CONFIG_KEY}"` },
    responses: { "200": page("The start page"), default: page("A result page") },
  },
  {
    method: "post",
    path: CONNECT_CONTINUE_PATH,
    operationId: "continuePage",
    summary: "The start page's Continue (form post)",
    tag: "Browser pages",
    auth: "none",
    responses: { "303": { description: "To Microsoft's sign-in", body: "empty" }, default: page("The picker or a result page") },
  },
  {
    method: "post",
    path: CONNECT_REDIRECT_PATH,
    operationId: "redirectStart",
    summary: "Redirect mode's start: a form post from the product page (session token, flow, return URL; its Origin must be allowed)",
    tag: "Browser pages",
    auth: "none",
    responses: { "303": { description: "To Microsoft's sign-in, or back to the return URL with the result", body: "empty" }, default: page("A result page") },
  },
  {
    method: "get",
    path: SIGN_IN_CALLBACK_PATH,
    operationId: "signInCallback",
    summary: "Microsoft's redirect after sign-in",
    tag: "Browser pages",
    auth: "none",
    responses: { "200": page("The picker or the result page"), default: page("A result page") },
  },
  {
    method: "post",
    path: ACCOUNT_PICKER_PATH,
    operationId: "accountPicker",
    summary: "The account picker's form post",
    tag: "Browser pages",
    auth: "none",
    responses: { "200": page("The result page"), default: page("The picker again or a result page") },
  },
  {
    method: "get",
    path: "/oauth/admin-consent",
    operationId: "adminConsentStart",
    summary: "The administrator's approval link (to Microsoft)",
    tag: "Browser pages",
    auth: "none",
    responses: { "302": { description: "To Microsoft's admin consent", body: "empty" }, default: page("Why not") },
  },
  {
    method: "get",
    path: ADMIN_CONSENT_CALLBACK_PATH,
    operationId: "adminConsentCallback",
    summary: "Microsoft's redirect after admin consent",
    tag: "Browser pages",
    auth: "none",
    responses: { default: page("The outcome") },
  },
];
