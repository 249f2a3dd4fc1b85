/**
 * @ads-connect/server/actions — what an ACTIONS_DIR module imports: defineAction and its types,
 * without the server (no database, no Express).
 */

export { MAX_PAGE_SIZE, type PagedRequest, type PageInfo } from "@ads-connect/shared";
export {
  type Action,
  type ActionAccounts,
  type ActionConnection,
  type ActionContext,
  type ActionDefinition,
  ActionError,
  type ActionProxyRequest,
  type ActionProxyResponse,
  defineAction,
} from "./actions/defineAction.js";
