/**
 * @ads-connect/node — the typed client a product backend uses to talk to its ads-connect server:
 * connect sessions for the widget, connections and their access tokens, webhook verification,
 * webhook deliveries and the integration's status. Every response is parsed with the shared zod
 * schemas, which are re-exported for the product's own use.
 *
 * @example
 * ```ts
 * import { AdsConnectClient } from "@ads-connect/node";
 *
 * const client = new AdsConnectClient({ host: "http://localhost:3003", secretKey });
 * const { data } = await client.createConnectSession({ end_user: { id: "user-42" } });
 * // later, once the widget reported success:
 * const { credentials } = await client.getConnection(connectionId);
 * ```
 *
 * @packageDocumentation
 * @module @ads-connect/node
 */

export * from "@ads-connect/shared";
export { AdsConnectClient } from "./AdsConnectClient.js";
export { AdsConnectApiError } from "./apiError.js";
export type {
  AdsConnectClientOptions,
  ListConnectionsParams,
  ListOperationsParams,
  ListRecordsParams,
  ProxyParams,
  ProxyResponse,
  RecordModel,
  RecordOf,
} from "./types.js";
export { verifyWebhookSignature } from "./webhooks.js";
