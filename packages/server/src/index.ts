export {
  type Action,
  type ActionContext,
  type ActionDefinition,
  ActionError,
  type ActionProxyRequest,
  type ActionProxyResponse,
  defineAction,
} from "./actions.js";
export { type AppDeps, createApp } from "./app.js";
export { type Config, ConfigError, loadConfig } from "./config.js";
export { type ProxyBody, type ProxyCall, type ProxyMsAdsDetails, ProxyMsAdsError, type ProxyResponse, ProxyService } from "./proxy/proxyService.js";
export { type RunningServer, type StartOptions, startAdsConnect } from "./server.js";
export { signWebhook } from "./webhooks/signWebhook.js";
