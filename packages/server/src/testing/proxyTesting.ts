import { CONNECT_SUCCESS } from "@ads-connect/shared";
import { connectAs, type Harness } from "./harness.js";
import { httpRequest } from "./httpRequest.js";

/** Header names every proxied request carries for transport (fetch's own), besides the four injected ones. */
export const TRANSPORT_HEADERS = [
  "accept",
  "accept-encoding",
  "accept-language",
  "connection",
  "content-length",
  "content-type",
  "host",
  "sec-fetch-mode",
  "user-agent",
];
export const INJECTED_HEADERS = ["authorization", "customeraccountid", "customerid", "developertoken"];

/** Connects the test user (choosing accounts with `choose`, default all) and returns the connection id. */
export async function connectUser(h: Harness, username: string, choose?: (ids: string[]) => string[]): Promise<string> {
  const { result } = await connectAs(h, username, choose ? { choose } : {});
  if (result.type !== CONNECT_SUCCESS) throw new Error(`connect failed: ${JSON.stringify(result)}`);
  return result.connection_id;
}

/** A request with its path sent byte for byte, its body parsed as JSON when it is. */
export async function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const res = await httpRequest(baseUrl, { method, headers, rawPath: path, ...(body === undefined ? {} : { body }) });
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text: res.text, json };
}

/** The error code of a JSON error body. */
export const codeOf = (json: unknown) => (json as { error?: { code?: string } } | undefined)?.error?.code;
