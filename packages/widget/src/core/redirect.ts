import { isConnectResult } from "./isConnectResult.js";
import type { ConnectError, ConnectResult } from "./protocol.js";
import { resolveToken } from "./token.js";
import type { ConnectOptions } from "./types.js";

/**
 * Redirect mode, loaded only when a flow redirects or a page returns from one.
 *
 * Its way out (with the session token, see `resolveToken`): a form POST to the server, whose browser-set `Origin` header proves this
 * page (an allowed origin) sent it, so no handshake or confirmation is needed.
 */
export async function redirectToServer(options: ConnectOptions, base: string, flow: string, signal: AbortSignal): Promise<void> {
  const token = await resolveToken(options, base, signal);
  const form = window.document.createElement("form");
  form.method = "post";
  form.action = `${base}/oauth/connect/microsoft-ads/redirect`;
  for (const [name, value] of Object.entries({ connect_session_token: token, flow, return_to: options.returnUrl ?? window.location.href })) {
    const input = window.document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.append(input);
  }
  window.document.body.append(form);
  form.submit();
}

/** Redeems the one-time result token of a redirect sign-in (see `resumeRedirect`). */
export async function redeem(serverUrl: string, token: string): Promise<ConnectResult> {
  try {
    const res = await fetch(`${serverUrl.replace(/\/+$/, "")}/connect/redirect/result`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      cache: "no-store",
    });
    const body = (await res.json()) as { data?: unknown; error?: ConnectError };
    if (isConnectResult(body.data)) return body.data;
    if (body.error?.code) return { type: "ads-connect:error", error: { ...body.error, actor: "end_user", aadsts: null } };
  } catch {
    // Unreachable server: said below.
  }
  return {
    type: "ads-connect:error",
    error: { code: "sign_in_interrupted", message: "Could not read the result of signing in with Microsoft. Try again.", actor: "end_user", aadsts: null },
  };
}
