/**
 * @ads-connect/server/actions — what an ACTIONS_DIR module imports: defineAction and its types,
 * without the server (no database, no Express).
 */
export { ActionError, defineAction, type Action, type ActionAccounts, type ActionConnection, type ActionContext, type ActionDefinition, type ActionProxyRequest, type ActionProxyResponse } from "./actions/defineAction.js";
export { MAX_PAGE_SIZE, type PagedRequest, type PageInfo } from "@ads-connect/shared";
