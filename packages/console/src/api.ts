/** The console's base path (`/console`, or `<prefix>/console` behind a path prefix), read from the page's URL. */
export const ROOT = (() => {
  const at = window.location.pathname.indexOf("/console");
  return at < 0 ? "/console" : window.location.pathname.slice(0, at + "/console".length);
})();

/** An error answer of the console API: `{error:{code,message}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Calls the console API: the session cookie goes along; a change carries the console's request header (CSRF). */
export async function api<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (method !== "GET") headers["x-console-request"] = "1";
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${ROOT}/api${path}`, {
    method,
    headers,
    credentials: "same-origin",
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? "internal_error", json?.error?.message ?? `HTTP ${res.status}`);
  return json as T;
}

export const query = (params: Record<string, string | number | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
};

export type Status = "connected" | "refreshing" | "expired" | "error";

export interface Overview {
  range: string;
  generated_at: string;
  bucket_ms: number;
  buckets: string[];
  connections: { total: number; by_status: Record<Status, number> };
  totals: Record<string, number | null>;
  series: Record<string, number[] | null>;
  top_errors: { code: string; count: number; connections_failing: number; last_at: string | null; actor: string; message: string; action: string }[];
  integration: {
    configured: boolean;
    client_secret: { expires_at: string | null; days_left: number | null; state: string };
    problems: { code: string; message: string; action: string; since: string | null }[];
    secret_keys: { fingerprint: string; requests: number; last_used_at: string | null }[];
    encryption_keys: { current: string; in_use: { id: string; connections: number }[] | unknown };
    holds: number;
    last_successful_connect_at: string | null;
    last_successful_refresh_at: string | null;
  };
  operation_log: boolean;
}

export interface ConnectionRow {
  connection_id: string;
  integration: string;
  end_user: { id: string; email: string | null; display_name: string | null };
  account: { username: string; display_name: string | null };
  status: Status;
  error_code: string | null;
  created_at: string;
  updated_at: string;
  last_refreshed_at: string | null;
}

export interface ConnectionDetail {
  connection: {
    connection_id: string;
    provider_config_key: string;
    status: Status;
    end_user: { id: string; email?: string | null; display_name?: string | null } | null;
    account: { username: string; display_name: string | null; tenant_id: string; account_type: string };
    accounts: { id: string; number: string | null; name: string | null; customer_id: string | null }[];
    selected_account_ids: string[] | null;
    accounts_synced_at: string | null;
    created: string;
  };
  errors: { code: string; actor: string; message: string; action: string }[];
  accounts_error: { code: string; message: string; action: string } | null;
  operation_log: boolean;
}

export interface Operation {
  id: string;
  type: string;
  action: string;
  state: string;
  errorCode: string | null;
  errorMessage: string | null;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  meta: { operatorAction?: string } | null;
}

export interface OperationMessage {
  id: string;
  type: string;
  level: string;
  message: string;
  createdAt: string;
  request?: { method: string; host: string; path: string };
  response?: { status: number };
  durationMs?: number;
}

export interface Delivery {
  id: string;
  type: string | null;
  operation: string | null;
  connection_id: string | null;
  success: boolean | null;
  status: "pending" | "failed" | "delivered";
  attempts: number;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
  next_attempt_at: string | null;
}
