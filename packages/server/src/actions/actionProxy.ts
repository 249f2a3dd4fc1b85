import type { Logger } from "pino";
import type { MsAdsClient } from "../msads/msadsClient.js";
import { serviceOfPath } from "../msads/msadsHosts.js";
import { withFreshToken } from "../msads/withFreshToken.js";
import type { ConnectionService } from "../services/connectionService.js";

/** One call to Microsoft Advertising for a connection, in the ProxyService's shape. */
export interface ProxyCall {
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
}

export interface ProxyAnswer {
  status: number;
  headers: Record<string, string>;
  /** The parsed JSON body. */
  body: unknown;
}

/** How actions reach Microsoft Advertising: faults reject (MsAdsError or AppError), 2xx answers resolve. */
export interface ActionProxy {
  call(request: ProxyCall): Promise<ProxyAnswer>;
}

/**
 * The actions' proxy until the ProxyService lands: the MsAdsClient with the connection's token,
 * one forced refresh and retry on 109. Swap for the ProxyService by implementing ActionProxy.
 */
export function msadsActionProxy(deps: { client: MsAdsClient; connections: ConnectionService; logger: Logger }): ActionProxy {
  return {
    async call(request) {
      const path = request.endpoint.split("?")[0]!;
      if (!serviceOfPath(path) || /\/\.\.?(\/|$)|\/\/|\\|%2f|%5c|@/i.test(path)) throw new TypeError(`Not a Microsoft Advertising API path: ${path.slice(0, 200)}`);
      const answer = await withFreshToken(deps, request.connectionId, (accessToken) =>
        deps.client.request(request.method, request.endpoint, request.body, { accessToken, customerId: request.customerId ?? null, accountId: request.accountId ?? null, headers: request.headers ?? {} }),
      );
      return { status: answer.status, headers: answer.headers, body: answer.data };
    },
  };
}
