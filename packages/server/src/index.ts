export { createApp, type AppDeps } from "./app.js";
export { loadConfig, ConfigError, type Config } from "./config.js";
export { startAdsConnect, type RunningServer, type StartOptions } from "./server.js";
export { signWebhook } from "./webhooks/signWebhook.js";
export { ActionError, defineAction, type Action, type ActionContext, type ActionDefinition, type ActionProxyRequest, type ActionProxyResponse } from "./actions.js";
export { ProxyService, ProxyMsAdsError, type ProxyCall, type ProxyResponse, type ProxyBody, type ProxyMsAdsDetails } from "./proxy/proxyService.js";
