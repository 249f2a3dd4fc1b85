import type { SessionStatusData } from "./types.js";

/**
 * `GET /connect/session/status` with the session token; null when the answer is not usable. A token
 * the server no longer knows reads as `expired`. {@link connect} polls it itself; use it to check a
 * session from your own code.
 *
 * @example
 * ```ts
 * import { fetchSessionStatus } from "@ads-connect/widget/core";
 *
 * const status = await fetchSessionStatus("https://connect.example.com", await getSessionToken());
 * if (status?.status === "expired") console.log("ask your backend for a new session");
 * ```
 */
export async function fetchSessionStatus(serverUrl: string, sessionToken: string, signal?: AbortSignal): Promise<SessionStatusData | null> {
  const res = await fetch(`${serverUrl.replace(/\/+$/, "")}/connect/session/status`, {
    headers: { authorization: `Bearer ${sessionToken}` },
    cache: "no-store",
    signal,
  });
  // A token the server no longer knows reads as an expired session: the flow cannot go on.
  return ((await res.json()) as { data?: SessionStatusData }).data ?? (res.status === 401 ? ({ status: "expired" } as SessionStatusData) : null);
}
