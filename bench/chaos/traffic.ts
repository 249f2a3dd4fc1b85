import { ACCOUNTS_SYNC_NAME, AD_ACCOUNT_MODEL } from "@ads-connect/shared";
import type { BackendClient } from "./api.js";
import { createSession, FLOW_USERS, type FlowKind, type FlowRecord, runFlow } from "./flows.js";
import type { Rng } from "./rng.js";

export interface KnownConnection {
  id: string;
  username: string;
}

/** What the product's users and backends do, by weight. */
const WEIGHTS = {
  connect: 6,
  reconnect: 2,
  change_accounts: 2,
  token_read: 40,
  force_refresh: 4,
  status_read: 8,
  proxy: 10,
  action: 8,
  sync: 6,
  records: 10,
};

export interface TrafficState {
  baseUrl: string;
  api: BackendClient;
  connections: KnownConnection[];
  flows: FlowRecord[];
  maxConnections: number;
  nextEndUser: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const headersFor = (c: KnownConnection) => ({ "Connection-Id": c.id, "Provider-Config-Key": "microsoft-ads" });

async function flow(state: TrafficState, rng: Rng, kind: FlowKind): Promise<void> {
  let username: string = rng.pick(FLOW_USERS);
  let body: unknown;
  if (kind === "connect") {
    const endUser = `chaos-user-${state.nextEndUser++}`;
    body = { end_user: { id: endUser, email: `${endUser}@product.example` } };
  } else {
    const candidates = kind === "change_accounts" ? state.connections.filter((c) => c.username === "three@contoso.example") : state.connections;
    if (candidates.length === 0) return;
    const c = rng.pick(candidates);
    username = c.username;
    body = { connection_id: c.id, integration_id: "microsoft-ads" };
  }
  const token = await createSession(state.api, kind, body);
  if (!token) return;
  const record = await runFlow(state.baseUrl, kind, token, username, rng);
  state.flows.push(record);
  if (kind === "connect" && record.connectionId && !state.connections.some((c) => c.id === record.connectionId))
    state.connections.push({ id: record.connectionId, username });
}

/** One simulated client: weighted random operations with short pauses until `until`. */
export async function worker(state: TrafficState, rng: Rng, until: () => boolean): Promise<void> {
  while (!until()) {
    let op = rng.weighted(WEIGHTS);
    if (state.connections.length === 0) op = "connect";
    if (op === "connect" && state.connections.length >= state.maxConnections) op = "token_read";
    const c = rng.pick(state.connections.length > 0 ? state.connections : [{ id: "none", username: "" }]);
    const id = encodeURIComponent(c.id);
    switch (op) {
      case "connect":
      case "reconnect":
      case "change_accounts":
        await flow(state, rng, op);
        break;
      case "token_read":
        await state.api("token_read", "GET", `/connections/${id}`);
        break;
      case "force_refresh":
        await state.api("force_refresh", "GET", `/connections/${id}?force_refresh=true`);
        break;
      case "status_read":
        await state.api("status_read", "GET", `/connections?limit=20`);
        break;
      case "proxy":
        await state.api("proxy", "POST", "/proxy/CustomerManagement/v13/User/Query", {}, headersFor(c));
        break;
      case "action":
        await state.api("action", "POST", "/action/trigger", { action_name: rng.pick(["list-campaigns", "list-accounts"]) }, headersFor(c));
        break;
      case "sync":
        await state.api("sync", "POST", "/sync/trigger", { provider_config_key: "microsoft-ads", syncs: [ACCOUNTS_SYNC_NAME], connection_id: c.id });
        break;
      case "records":
        await state.api("records", "GET", `/records?model=${AD_ACCOUNT_MODEL}&limit=50`, undefined, headersFor(c));
        break;
    }
    await sleep(rng.int(20, 200));
  }
}
