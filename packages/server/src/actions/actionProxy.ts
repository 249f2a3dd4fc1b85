import { buffer } from "node:stream/consumers";
import type { Operation } from "../oplog/operation.js";
import type { ProxyService } from "../proxy/proxyService.js";

/** One call to Microsoft Advertising for a connection, as actions make it (a JSON body). */
export interface ActionProxyCall {
  connectionId: string;
  method: string;
  /** A Microsoft Advertising API path with its query, e.g. "/CampaignManagement/v13/Campaigns". */
  endpoint: string;
  headers?: Record<string, string>;
  /** JSON body. */
  body?: unknown;
  customerId?: string;
  accountId?: string;
  retries?: number;
  /** The action's operation: the call's HTTP steps are recorded under it. */
  op?: Operation;
}

export interface ProxyAnswer {
  status: number;
  headers: Record<string, string>;
  /** The parsed JSON body (or the text of an answer that is not JSON). */
  body: unknown;
}

/** How actions reach Microsoft Advertising: faults reject (AppError), 2xx answers resolve. */
export interface ActionProxy {
  call(request: ActionProxyCall): Promise<ProxyAnswer>;
}

/**
 * Actions' one path to Microsoft Advertising: the ProxyService's own checks (the allow-list of paths,
 * the header policy, the account the call is for), then the one MsAdsClient (injected credentials,
 * one refresh on 109, the shared 117 holds, limits and typed faults), as for `/proxy/*`.
 */
export function proxyActionProxy(proxy: ProxyService): ActionProxy {
  return {
    async call(request) {
      const answer = await proxy.call({
        connectionId: request.connectionId,
        method: request.method,
        endpoint: request.endpoint,
        headers: request.headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        customerId: request.customerId,
        accountId: request.accountId,
        retries: request.retries,
        op: request.op,
      });
      const body = answer.json !== undefined ? answer.json : (Buffer.isBuffer(answer.body) ? answer.body : await buffer(answer.body)).toString("utf8");
      return { status: answer.status, headers: answer.headers, body };
    },
  };
}
