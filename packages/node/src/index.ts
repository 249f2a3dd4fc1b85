/**
 * @ads-connect/node — the typed client a product backend uses to talk to its ads-connect server:
 * connect sessions for the widget, connections and their access tokens, webhook verification,
 * webhook deliveries and the integration's status. Every response is parsed with the shared zod
 * schemas, which are re-exported for the product's own use.
 */

export * from "@ads-connect/shared";
export {
  AdsConnectApiError,
  AdsConnectClient,
  type AdsConnectClientOptions,
  type ListConnectionsParams,
  type ProxyParams,
  type ProxyResponse,
  verifyWebhookSignature,
} from "./AdsConnectClient.js";
