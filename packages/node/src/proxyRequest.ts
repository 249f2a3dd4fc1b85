import { PROVIDER_CONFIG_KEY, parseJsonText } from "@ads-connect/shared";
import { apiError } from "./apiError.js";
import type { ProxyParams, ProxyResponse } from "./types.js";

/** {@link AdsConnectClient.proxy}'s request to the server's `/proxy`: Nango's config as path, query and headers. */
export function proxyRequest(params: ProxyParams): { method: string; path: string; headers: Record<string, string>; what: string } {
  const query = params.params ? `?${new URLSearchParams(Object.entries(params.params).map(([k, v]) => [k, String(v)]))}` : "";
  const headers: Record<string, string> = { "Connection-Id": params.connectionId, "Provider-Config-Key": PROVIDER_CONFIG_KEY };
  for (const [name, value] of Object.entries(params.headers ?? {})) headers[`Nango-Proxy-${name}`] = value;
  if (params.retries !== undefined) headers.Retries = String(params.retries);
  if (params.customerId) headers["Customer-Id"] = params.customerId;
  if (params.accountId) headers["Account-Id"] = params.accountId;
  const endpoint = params.endpoint.startsWith("/") ? params.endpoint : `/${params.endpoint}`;
  const method = params.method ?? "GET";
  return { method, path: `/proxy${endpoint}${query}`, headers, what: `${method.toUpperCase()} /proxy${endpoint}` };
}

/** The server's answer to a proxied call as a ProxyResponse: Microsoft's status, headers and body (parsed JSON or text). */
export async function proxyResponse<T>(response: Response, what: string): Promise<ProxyResponse<T>> {
  const text = await response.text();
  if (!response.ok) throw apiError(response.status, text, what);
  const json = parseJsonText(text);
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  return { status: response.status, headers: out, data: (json === undefined ? text : json) as T };
}
