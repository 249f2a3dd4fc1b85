import type { EntraEmulator, IssuedRefreshToken } from "@ads-connect/entra-emulator";
import type { createDatabase } from "../../packages/server/src/store/createDatabase.js";
import type { BackendClient, Tally } from "./api.js";
import { type FlowRecord, sessionStatus } from "./flows.js";
import type { startReceiver } from "./receiver.js";

export interface OracleInput {
  db: Awaited<ReturnType<typeof createDatabase>>;
  entra: EntraEmulator;
  receiver: Awaited<ReturnType<typeof startReceiver>>;
  flows: FlowRecord[];
  tally: Tally;
  api: BackendClient;
  baseUrl: string;
  /** Real times of every kill -9. */
  killTimes: number[];
  /** How long settling may wait for webhooks and sign-in results. */
  settleMs: number;
  log: (line: string) => void;
}

export interface OracleFigures {
  flowsStarted: number;
  flowsCompleted: number;
  flowsReachedEntra: number;
  flowsAborted: number;
  connections: number;
  webhookEvents: number;
  webhookDeliveries: number;
  webhookDuplicates: number;
  refreshTokensIssued: number;
  refreshGrantsLost: number;
  extraRefreshes: { explained: number; unexplained: number; reasons: Record<string, number> };
  lostAnswersKeptOlderToken: number;
  violations: string[];
}

const FINAL = new Set(["success", "error", "expired"]);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` (true when settled) until `ms` passed. */
async function settle(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await wait(2000);
  }
}

/**
 * Whether a refresh token issued by Entra (and so possibly rotated past the stored one) can have
 * failed to reach the server: its answer was cut or too slow (the emulator saw it), or a kill -9
 * landed while it was on its way.
 */
function maybeLost(token: IssuedRefreshToken, killTimes: number[]): string | null {
  if (token.delivered === false) return "answer_cut_or_late";
  if (killTimes.some((k) => k >= token.issuedAt - 500 && k - token.issuedAt < 15_000)) return "instance_killed";
  return null;
}

/** The end-of-run checks of issue 25, against the database, the emulators and the receiver. */
export async function runOracle(input: OracleInput): Promise<OracleFigures> {
  const { db, entra, receiver, flows, tally, api, log } = input;
  const violations = [...tally.violations];

  // 1. Every sign-in that reached Entra ended in exactly one recorded result; every session's widget-facing status is final.
  const reached = flows.filter((f) => f.reachedEntra);
  const statuses = new Map<string, { status: string; result: unknown } | null>();
  const readStatuses = async () => {
    for (const flow of reached) {
      if (FINAL.has(statuses.get(flow.sessionToken)?.status ?? "")) continue;
      statuses.set(flow.sessionToken, await sessionStatus(input.baseUrl, flow.sessionToken));
    }
    return reached.every((f) => FINAL.has(statuses.get(f.sessionToken)?.status ?? ""));
  };
  log(`oracle: waiting for the ${reached.length} sign-ins that reached Entra to have a final status`);
  await settle(input.settleMs, readStatuses);
  const open = reached.filter((f) => !FINAL.has(statuses.get(f.sessionToken)?.status ?? ""));
  if (open.length > 0) log(`oracle: not final: ${open.map((f) => `${f.kind}/${f.outcome}→${statuses.get(f.sessionToken)?.status ?? "?"}`).join(", ")}`);
  for (const flow of reached) {
    const s = statuses.get(flow.sessionToken);
    if (!s || !FINAL.has(s.status))
      violations.push(`sign-in (${flow.kind}, ${flow.outcome}) reached Entra but its session status is ${s?.status ?? "unreadable"}`);
    else if (flow.outcome === "success") {
      const result = s.result as { type?: string; connection_id?: string } | null;
      if (result?.type !== "ads-connect:success" || result.connection_id !== flow.connectionId)
        violations.push(`sign-in succeeded in the popup (${flow.connectionId}) but the session reports ${JSON.stringify(result).slice(0, 120)}`);
    }
  }
  const consumedWithoutResult = await db
    .selectFrom("oauth_attempts")
    .select(db.fn.countAll<number>().as("n"))
    .where("code_hash", "is not", null)
    .where("result", "is", null)
    .executeTakeFirstOrThrow();
  if (Number(consumedWithoutResult.n) > 0) violations.push(`${consumedWithoutResult.n} sign-in attempts redeemed a code but have no recorded result`);

  // 2. Connections: none expired (Entra refused no refresh token in these runs), every token readable, the stored refresh token the newest Entra issued.
  const connections = await db.selectFrom("connections").select(["connection_id", "status", "username"]).execute();
  let lostAnswersKeptOlderToken = 0;
  /**
   * One connection's token check. The server's jobs keep refreshing while the oracle reads, so the
   * emulator's record is read after the token read, and a token rotated in the last 2 s (its write
   * may still be committing) does not count as one the server kept the older token against; a
   * failed check is read again once after 3 s, so only a lasting disagreement is a violation.
   */
  const checkTokens = async (c: { connection_id: string; username: string }): Promise<{ problem: string | null; keptOlder: boolean }> => {
    let answer = null;
    for (let attempt = 0; attempt < 5 && answer?.status !== 200; attempt++) {
      answer = await api("oracle_token_read", "GET", `/connections/${encodeURIComponent(c.connection_id)}?refresh_token=true`);
      if (answer?.status !== 200) await wait(1000);
    }
    if (answer?.status !== 200) return { problem: `token read answered ${answer?.status ?? "nothing"}`, keptOlder: false };
    const readAt = Date.now();
    const issued = entra.issuedRefreshTokens();
    const byToken = new Map(issued.map((t) => [t.token, t]));
    const credentials = (answer.json as { credentials: { access_token: string; refresh_token?: string } }).credentials;
    if (!entra.isAccessTokenValid(credentials.access_token)) return { problem: "the access token served is not valid at Entra", keptOlder: false };
    const stored = credentials.refresh_token ? byToken.get(credentials.refresh_token) : undefined;
    if (!stored)
      return { problem: credentials.refresh_token ? "its refresh token is not one Entra issued" : "its token read has no refresh token", keptOlder: false };
    // Tokens rotated from the stored one: each must be one whose answer could have been lost.
    const newer = issued.filter((t) => t.parent === stored.token && t.issuedAt < readAt - 2000);
    const unexplained = newer.filter((t) => !maybeLost(t, input.killTimes));
    if (unexplained.length > 0)
      return {
        problem: `Entra issued a newer refresh token (#${unexplained[0]!.sequence}) that reached the server, but it kept #${stored.sequence}`,
        keptOlder: false,
      };
    return { problem: null, keptOlder: newer.length > 0 };
  };
  for (const c of connections) {
    if (c.status !== "connected") violations.push(`connection ${c.connection_id} is ${c.status} though Entra refused none of its refresh tokens`);
    let check = await checkTokens(c);
    if (check.problem) {
      await wait(3000);
      check = await checkTokens(c);
    }
    if (check.problem) violations.push(`connection ${c.connection_id} (${c.username}): ${check.problem}`);
    if (check.keptOlder) lostAnswersKeptOlderToken++;
  }

  // 3. Webhooks: every event delivered at least once, duplicates counted by event id.
  log("oracle: waiting for the webhook outbox to drain");
  await settle(input.settleMs, async () => {
    const open = await db.selectFrom("webhook_outbox").select(db.fn.countAll<number>().as("n")).where("delivered_at", "is", null).executeTakeFirstOrThrow();
    return Number(open.n) === 0;
  });
  const events = await db
    .selectFrom("webhook_outbox")
    .select(["id", "delivered_at", "gave_up_at", "attempts", "next_attempt_at", "locked_until", "last_error"])
    .execute();
  for (const e of events.filter((e) => e.delivered_at === null).slice(0, 5))
    log(
      `oracle: undelivered ${e.id}: attempts ${e.attempts}, next in ${Number(e.next_attempt_at) - Date.now()} ms, locked ${e.locked_until ? Number(e.locked_until) - Date.now() : "no"}, ${e.last_error}`,
    );
  for (const e of events) {
    if (e.delivered_at === null) violations.push(`webhook ${e.id} not delivered${e.gave_up_at ? " (gave up)" : ""}`);
    else if (!receiver.deliveries.has(e.id)) violations.push(`webhook ${e.id} marked delivered but the receiver never got it`);
  }
  if (receiver.withoutId > 0) violations.push(`${receiver.withoutId} webhooks arrived without an idempotency id`);
  const duplicates = [...receiver.deliveries.values()].reduce((a, n) => a + n - 1, 0);

  const issued = entra.issuedRefreshTokens();
  const byToken = new Map(issued.map((t) => [t.token, t]));
  const children = new Map<string, IssuedRefreshToken[]>();
  for (const t of issued) if (t.parent) children.set(t.parent, [...(children.get(t.parent) ?? []), t]);

  // 5. Refreshes within what the lease allows: one refresh token redeemed twice is an extra refresh; explained when the first answer was lost.
  const reasons: Record<string, number> = {};
  let unexplainedForks = 0;
  for (const [parent, kids] of children) {
    if (kids.length < 2) continue;
    const sorted = [...kids].sort((a, b) => a.sequence - b.sequence);
    for (let i = 1; i < sorted.length; i++) {
      const reason = sorted
        .slice(0, i)
        .map((k) => maybeLost(k, input.killTimes))
        .find((r) => r !== null);
      if (reason) reasons[reason] = (reasons[reason] ?? 0) + 1;
      else {
        unexplainedForks++;
        reasons.concurrent_refresh = (reasons.concurrent_refresh ?? 0) + 1;
        if (unexplainedForks <= 5)
          violations.push(
            `refresh token #${byToken.get(parent)?.sequence} redeemed twice ${Math.round(sorted[i]!.issuedAt - sorted[i - 1]!.issuedAt)} ms apart, the first answer delivered`,
          );
      }
    }
  }
  if (unexplainedForks > 5) violations.push(`… ${unexplainedForks - 5} more refresh tokens redeemed twice`);

  return {
    flowsStarted: flows.length,
    flowsCompleted: flows.filter((f) => f.outcome === "success" || f.outcome.startsWith("error:")).length,
    flowsReachedEntra: reached.length,
    flowsAborted: flows.filter((f) => f.outcome.startsWith("aborted")).length,
    connections: connections.length,
    webhookEvents: events.length,
    webhookDeliveries: receiver.total,
    webhookDuplicates: duplicates,
    refreshTokensIssued: issued.length,
    refreshGrantsLost: issued.filter((t) => t.delivered === false).length,
    extraRefreshes: {
      explained: Object.entries(reasons)
        .filter(([k]) => k !== "concurrent_refresh")
        .reduce((a, [, n]) => a + n, 0),
      unexplained: unexplainedForks,
      reasons,
    },
    lostAnswersKeptOlderToken,
    violations,
  };
}
