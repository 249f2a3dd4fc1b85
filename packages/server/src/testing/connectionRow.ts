import { randomUUID } from "node:crypto";
import type { NewConnectionRow } from "../store/connectionStore.js";

/** A connection row for store tests: connected, placeholder credentials and JSON columns. */
export function newConnectionRow(connectionId: string): NewConnectionRow {
  const now = Date.now();
  return {
    connection_id: connectionId,
    provider_config_key: "microsoft-ads",
    end_user_id: "end-user-1",
    end_user: JSON.stringify({ id: "end-user-1" }),
    tenant_id: "tenant",
    object_id: randomUUID(),
    username: "user",
    display_name: null,
    account_type: "work",
    status: "connected",
    errors: "[]",
    credentials_enc: "{}",
    access_token_expires_at: now,
    scope: "scope",
    connection_config: "{}",
    metadata: null,
    tags: "{}",
    created_at: now,
    updated_at: now,
    last_fetched_at: null,
    last_refreshed_at: now,
  };
}
