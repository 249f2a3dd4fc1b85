import { randomUUID } from "node:crypto";
import { CONNECT_ERROR, type ConnectResult } from "@ads-connect/shared";
import type { OperationEnd, OperationStore, RunningConnectOperation } from "../store/operationStore.js";
import { parseJson } from "../util/parseJson.js";

/** Longer than any request of a sign-in takes (a callback's exchange, discovery and picker): one in flight at a deadline still ends it. */
const IN_FLIGHT_SLACK_MS = 60_000;
const BATCH = 200;

/** An approval link opened and never answered: the administrator did not come back from Microsoft (the link itself may be opened again). */
const ADMIN_CONSENT_ABANDONED: OperationEnd = {
  state: "timeout",
  errorCode: "attempt_expired",
  errorMessage: "The administrator did not come back from Microsoft's admin consent.",
  level: "warn",
  message: "Ended by the server: the administrator did not come back from Microsoft's admin consent (the page was closed or left open)",
};

export interface SweepLimits {
  /** The start page's lifetime (OAUTH_ATTEMPT_TTL_SECONDS): a replaced attempt is over by then. */
  attemptTtlMs: number;
  /** OPERATION_MAX_RUNNING_SECONDS: any other operation running longer was left by a stopped instance. */
  maxRunningMs: number;
}

export interface SweepCounts {
  /** Sign-ins ended: expired (timeout), or with the result their session recorded. */
  abandonedConnects: number;
  /** Other operations still running past OPERATION_MAX_RUNNING_SECONDS: ended failed (an unanswered admin consent: timeout). */
  interruptedOperations: number;
}

/**
 * Ends the operations nothing will end any more, as of `at`: a sign-in whose connect page,
 * attempt and picker have all expired (the popup was closed or left open) ends `timeout`, or with
 * the result its session recorded when one was (a cancel, a failure, a connection whose end was
 * lost with its instance); any other operation still running after `maxRunningMs` was left by an
 * instance that stopped mid-way and ends `failed` (`operation_interrupted`), except an admin
 * consent nobody came back from, which ends `timeout`, and a sync run whose sync still holds a live
 * lease (the store leaves it out: a long run renews its lease, a stopped one's runs out). Each gets a message
 * saying why. Every change is a conditional update of a running operation, so passes on several
 * instances at once (or again) end each operation once.
 */
export async function endAbandonedOperations(store: OperationStore, limits: SweepLimits, at: number, stopped: () => boolean): Promise<SweepCounts> {
  const counts: SweepCounts = { abandonedConnects: 0, interruptedOperations: 0 };
  let after: { startedAt: number; id: string } | null = null;
  for (;;) {
    const rows = await store.runningConnects(at - IN_FLIGHT_SLACK_MS, after, BATCH);
    for (const row of rows) {
      const end = connectEnd(row, limits, at);
      if (end && (await store.endRunning(row.id, end, at, randomUUID()))) counts.abandonedConnects++;
    }
    const last = rows.at(-1);
    if (!last || rows.length < BATCH || stopped()) break;
    after = { startedAt: last.started_at, id: last.id };
  }
  const minutes = Math.round(limits.maxRunningMs / 60_000);
  const interrupted: OperationEnd = {
    state: "failed",
    errorCode: "operation_interrupted",
    errorMessage: `Still running ${minutes} minutes after it started: the instance running it stopped before it ended.`,
    level: "error",
    message: `Ended by the server: still running ${minutes} minutes after it started (OPERATION_MAX_RUNNING_SECONDS), so the instance running it most likely stopped (a crash, a kill) before it ended`,
  };
  for (;;) {
    const rows = await store.runningOthers(at - limits.maxRunningMs, BATCH);
    let ended = 0;
    for (const row of rows) {
      const end = row.type === "admin" && row.action === "consent" ? ADMIN_CONSENT_ABANDONED : interrupted;
      if (await store.endRunning(row.id, end, at, randomUUID())) ended++;
    }
    counts.interruptedOperations += ended;
    // Another instance's pass may be ending the same ones: stop when a batch ends nothing new.
    if (rows.length < BATCH || ended === 0 || stopped()) break;
  }
  return counts;
}

/** How a running sign-in ends now, or null while it may still go on. */
function connectEnd(row: RunningConnectOperation, limits: SweepLimits, at: number): OperationEnd | null {
  if (row.session_id === null) {
    return timeout("Ended by the server: its connect session no longer exists (expired and deleted), so the sign-in cannot go on");
  }
  if (row.current_operation_id !== row.id) {
    // The session's popup was opened again: that start page replaced this one (whose proof no longer works).
    if (row.started_at + limits.attemptTtlMs + IN_FLIGHT_SLACK_MS > at) return null;
    return timeout("Ended by the server: a newer connect attempt of the same session replaced this one (the popup was opened again)");
  }
  const pickerOpen = row.picker_connection_id !== null && row.picker_done_at === null;
  const liveUntil = Math.max(row.start_expires_at ?? 0, row.last_attempt_expires_at ?? 0, pickerOpen ? (row.picker_expires_at ?? 0) : 0);
  if (liveUntil + IN_FLIGHT_SLACK_MS > at) return null;
  // The session's result belongs to this attempt when it came after the attempt started.
  const ours = row.last_result !== null && row.last_result_at !== null && row.last_attempt_at !== null && row.last_result_at > row.last_attempt_at;
  const result = ours ? parseJson<ConnectResult>(row.last_result!) : null;
  if (result && result.type !== CONNECT_ERROR) {
    return pickerOpen
      ? {
          state: "success",
          errorCode: null,
          errorMessage: null,
          level: "warn",
          message:
            "Ended by the server: the account picker expired without a choice; the connection stays, without ad accounts (the creation webhook went out without a selection)",
        }
      : { state: "success", errorCode: null, errorMessage: null, level: "info", message: "Ended by the server: connected (the end was not recorded in time)" };
  }
  if (result) {
    const { code, message } = result.error;
    const cancelled = code === "user_cancelled";
    return {
      state: cancelled ? "cancelled" : "failed",
      errorCode: code,
      errorMessage: message,
      level: cancelled ? "info" : "error",
      message: `Ended by the server with the result the connect session recorded: ${code}`,
    };
  }
  if (pickerOpen || row.purpose === "change_accounts") {
    return timeout("Ended by the server: the account picker expired without a choice (the popup was closed or left open)");
  }
  return timeout(
    row.start_proof_hash !== null
      ? "Ended by the server: the connect page expired without going on (the popup was closed or left open before Continue)"
      : "Ended by the server: nobody came back from Microsoft's sign-in before the attempt expired (the popup was closed or left open)",
  );
}

function timeout(message: string): OperationEnd {
  return {
    state: "timeout",
    errorCode: "attempt_expired",
    errorMessage: "The connect attempt expired before it ended: the popup was closed or left open.",
    level: "warn",
    message,
  };
}
