import { fetchSessionStatus } from "./fetchSessionStatus.js";
import type { ConnectOptions } from "./types.js";

/**
 * The given token, or one from `getSessionToken`, fetched once more when the server says the first
 * one is used up. Neither given: a rejection (the flow's `session_token_unavailable`).
 */
export async function resolveToken(options: ConnectOptions, base: string, signal: AbortSignal): Promise<string> {
  const get = options.getSessionToken!;
  if (options.sessionToken) return options.sessionToken;
  const first = await get();
  const status = await fetchSessionStatus(base, first, signal).catch(() => null);
  // An expired session, or one that already connected, cannot start another attempt.
  return status?.status === "expired" || status?.status === "success" ? get() : first;
}
