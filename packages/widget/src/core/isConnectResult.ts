import type { ConnectResult } from "./protocol.js";

const str = (v: unknown): v is string => typeof v === "string";
const obj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const strOrNull = (v: unknown) => v === null || str(v);
const intOrNull = (v: unknown) => v === null || Number.isSafeInteger(v);
// Keys and allowed values as space-separated words: the shortest form in the minified build.
const all = (o: Record<string, unknown>, keys: string, test: (v: unknown) => boolean) => keys.split(" ").every((k) => test(o[k]));
const oneOf = (v: unknown, words: string) => words.split(" ").includes(v as string);
const isAdAccount = (a: unknown) =>
  obj(a) &&
  all(a, "id customer_id", str) &&
  all(a, "number name currency time_zone status language financial_status mode", strOrNull) &&
  intOrNull(a.pause_reason);

/**
 * The popup's message, checked without zod (which would outweigh the whole widget). Its test runs
 * it against the shared `ConnectResultSchema` so the two cannot drift.
 *
 * @example
 * ```ts
 * import { isConnectResult } from "@ads-connect/widget/core";
 *
 * window.addEventListener("message", (event) => {
 *   if (event.origin === "https://connect.example.com" && isConnectResult(event.data)) console.log(event.data.type);
 * });
 * ```
 */
export function isConnectResult(data: unknown): data is ConnectResult {
  if (!obj(data)) return false;
  const a = data.account;
  const e = data.error;
  return data.type === "ads-connect:success"
    ? all(data, "connection_id provider_config_key", str) &&
        oneOf(data.operation, "creation override") &&
        obj(a) &&
        all(a, "username tenant_id", str) &&
        strOrNull(a.display_name) &&
        oneOf(a.account_type, "work personal") &&
        Array.isArray(data.accounts) &&
        data.accounts.every(isAdAccount)
    : data.type === "ads-connect:error" &&
        obj(e) &&
        all(e, "code message", str) &&
        oneOf(e.actor, "end_user end_user_admin product_team none") &&
        intOrNull(e.aadsts) &&
        (e.admin_consent_url === undefined || (str(e.admin_consent_url) && /^https?:\/\//.test(e.admin_consent_url)));
}
