import type { ConnectResult } from "./protocol.js";

const str = (v: unknown): v is string => typeof v === "string";
const obj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const strOrNull = (v: unknown) => v === null || str(v);
const intOrNull = (v: unknown) => v === null || Number.isSafeInteger(v);
const strs = (o: Record<string, unknown>, keys: string[]) => keys.every((k) => str(o[k]));
const isAdAccount = (a: unknown) =>
  obj(a) &&
  strs(a, ["id", "customer_id"]) &&
  ["number", "name", "currency", "time_zone", "status", "language", "financial_status", "mode"].every((k) => strOrNull(a[k])) &&
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
  if (data.type === "ads-connect:success") {
    const a = data.account;
    return (
      strs(data, ["connection_id", "provider_config_key"]) &&
      ["creation", "override"].includes(data.operation as string) &&
      obj(a) &&
      strs(a, ["username", "tenant_id"]) &&
      strOrNull(a.display_name) &&
      ["work", "personal"].includes(a.account_type as string) &&
      Array.isArray(data.accounts) &&
      data.accounts.every(isAdAccount)
    );
  }
  const e = data.type === "ads-connect:error" && data.error;
  return (
    obj(e) &&
    strs(e, ["code", "message"]) &&
    ["end_user", "end_user_admin", "product_team", "none"].includes(e.actor as string) &&
    intOrNull(e.aadsts) &&
    (e.admin_consent_url === undefined || (str(e.admin_consent_url) && /^https?:\/\//.test(e.admin_consent_url)))
  );
}
