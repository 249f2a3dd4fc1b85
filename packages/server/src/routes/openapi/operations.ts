import { MAX_PROXY_RETRIES } from "../../proxy/proxyService.js";
import { CONNECT_OPERATIONS } from "./connectOperations.js";
import { CONSOLE_OPERATIONS } from "./consoleOperations.js";
import { CONNECTION_HEADERS, type Operation, ok } from "./operationShapes.js";
import { OPERATOR_OPERATIONS } from "./operatorOperations.js";
import { PAGE_OPERATIONS } from "./pageOperations.js";
import { SYNC_OPERATIONS } from "./syncOperations.js";

/** The methods `/proxy/{endpoint}` documents (the route itself passes any method on). */
export const PROXY_METHODS = ["get", "post", "put", "patch", "delete"] as const;

/**
 * Every route the server mounts, one entry per method and path. A test compares this list with the
 * Express app's router, so a route added without a line here (or a line without a route) fails.
 */
export const OPERATIONS: Operation[] = [
  ...CONNECT_OPERATIONS,
  ...SYNC_OPERATIONS,
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
  ...OPERATOR_OPERATIONS,
  ...PAGE_OPERATIONS,
  ...CONSOLE_OPERATIONS,
];
