import type { Logger } from "pino";
import { MsAdsError } from "./MsAdsError.js";

/** Where Microsoft Advertising calls get a connection's access token (ConnectionService is one). */
export interface TokenSource {
  accessToken(connectionId: string, options?: { forceRefresh?: boolean }): Promise<string>;
}

/**
 * Runs Microsoft Advertising calls with the connection's access token; on 109 (token expired,
 * whatever our clock said) the token is refreshed now and the calls run once more, once.
 */
export async function withFreshToken<T>(deps: { connections: TokenSource; logger: Logger }, connectionId: string, run: (accessToken: string) => Promise<T>): Promise<T> {
  try {
    return await run(await deps.connections.accessToken(connectionId));
  } catch (err) {
    if (!(err instanceof MsAdsError) || !err.has(109)) throw err;
    deps.logger.info({ connectionId, trackingId: err.trackingId }, "Microsoft Advertising said the access token expired (109): refreshing it and retrying once");
    return run(await deps.connections.accessToken(connectionId, { forceRefresh: true }));
  }
}
