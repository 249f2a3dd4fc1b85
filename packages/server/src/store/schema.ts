import type { Generated } from "kysely";

/** Times are epoch milliseconds; JSON columns hold text so SQLite and PostgreSQL read the same. */
export interface ConnectSessionTable {
  id: string;
  token_hash: string;
  end_user: string;
  organization: string | null;
  allowed_integrations: string | null;
  integrations_config_defaults: string | null;
  tags: string | null;
  reconnect_connection_id: string | null;
  created_at: number;
  expires_at: number;
  last_attempt_at: number | null;
  last_attempt_expires_at: number | null;
  /** The widget's id for the flow that started the latest attempt (so it only takes its own result). */
  last_attempt_flow: string | null;
  last_result: string | null;
  last_result_at: number | null;
  completed_at: number | null;
}

export interface OAuthAttemptTable {
  id: string;
  session_id: string;
  state_hash: string;
  binding_hash: string;
  code_verifier_enc: string;
  nonce: string;
  origin: string | null;
  tenant: string;
  scope: string;
  pending_connection_id: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
  code_hash: string | null;
  result: string | null;
}

export interface ConnectionTable {
  id: Generated<number>;
  connection_id: string;
  provider_config_key: string;
  end_user_id: string;
  end_user: string;
  tenant_id: string;
  object_id: string;
  username: string;
  display_name: string | null;
  account_type: "work" | "personal";
  status: "connected" | "refreshing" | "expired" | "error";
  errors: string;
  credentials_enc: string;
  access_token_expires_at: number;
  scope: string;
  connection_config: string;
  metadata: string | null;
  tags: string;
  created_at: number;
  updated_at: number;
  last_fetched_at: number | null;
}

export interface Database {
  connect_sessions: ConnectSessionTable;
  oauth_attempts: OAuthAttemptTable;
  connections: ConnectionTable;
}
