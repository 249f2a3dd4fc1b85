import type { ConnectResult } from "./protocol.js";

const str = (v: unknown): v is string => typeof v === "string";
const obj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const strOrNull = (v: unknown) => v === null || str(v);
const isAdAccount = (a: unknown) =>
  obj(a) &&
  str(a.id) &&
  str(a.customer_id) &&
  ["number", "name", "currency", "time_zone", "status", "language", "financial_status", "mode"].every((k) => strOrNull(a[k])) &&
  (a.pause_reason === null || Number.isSafeInteger(a.pause_reason));

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
      str(data.connection_id) &&
      str(data.provider_config_key) &&
      (data.operation === "creation" || data.operation === "override") &&
      obj(a) &&
      str(a.username) &&
      str(a.tenant_id) &&
      (a.display_name === null || str(a.display_name)) &&
      (a.account_type === "work" || a.account_type === "personal") &&
      Array.isArray(data.accounts) &&
      data.accounts.every(isAdAccount)
    );
  }
  const e = data.type === "ads-connect:error" && data.error;
  return (
    obj(e) &&
    str(e.code) &&
    str(e.message) &&
    ["end_user", "end_user_admin", "product_team", "none"].includes(e.actor as string) &&
    (e.aadsts === null || Number.isSafeInteger(e.aadsts)) &&
    (e.admin_consent_url === undefined || (str(e.admin_consent_url) && /^https?:\/\//.test(e.admin_consent_url)))
  );
}
