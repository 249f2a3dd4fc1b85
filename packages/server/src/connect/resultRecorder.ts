import { CONNECT_ERROR, type ConnectResult, type EndUserInput } from "@ads-connect/shared";
import type { AttemptRow } from "../store/oauthAttemptStore.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseJson } from "../util/parseJson.js";
import { authWebhook } from "../webhooks/authWebhook.js";
import type { FlowDeps } from "./flowTypes.js";
import { CALLBACK_DEADLINE_MS, SERVER_RESTARTING, SIGN_IN_INTERRUPTED } from "./signInFailures.js";

/**
 * Records sign-in failures: at once, else retried in the background until the callback deadline;
 * at shutdown whatever this process left unfinished; at start what a crashed process left.
 */
export class ResultRecorder {
  private readonly now: Clock;

  constructor(private readonly deps: Pick<FlowDeps, "stores" | "outbox" | "logger" | "now">) {
    this.now = deps.now ?? systemClock;
  }

  /**
   * Attempts this process consumed whose result is not recorded yet, with the failure waiting to be
   * recorded (null while the callback is still working). The shutdown records what is left.
   */
  private readonly unfinished = new Map<string, { attempt: AttemptRow; failure: ConnectResult | null }>();
  private stopping = false;

  /**
   * Records a failure; the first recorded result wins, so a late second one changes nothing. A
   * session another callback completed keeps its success: the product heard about it already.
   */
  private async recordFailure(attempt: AttemptRow, result: ConnectResult): Promise<void> {
    const json = JSON.stringify(result);
    const now = this.now();
    await this.deps.stores.transaction(async (tx) => {
      if (!(await tx.attempts.recordResultOnce(attempt.id, json))) return;
      const session = await tx.sessions.findById(attempt.session_id);
      if (!session || session.completed_at !== null) return;
      await tx.sessions.recordResult(session.id, json, now);
      if (result.type === CONNECT_ERROR) {
        await tx.events.record(now, "connect_failed", null, result.error);
        const webhook = authWebhook({
          operation: session.reconnect_connection_id ? "override" : "creation",
          success: false,
          connectionId: attempt.pending_connection_id,
          endUser: parseJson<EndUserInput>(session.end_user),
          session,
          error: { type: result.error.code, description: result.error.message },
        });
        await this.deps.outbox.enqueue(webhook, tx.webhooks);
      }
    });
  }

  /**
   * Records a failure of an attempt this process consumed. When the database refuses (busy, full),
   * retries in the background until the callback deadline; meanwhile a reload shows the failure.
   */
  async recordOrRetry(attempt: AttemptRow, result: ConnectResult): Promise<void> {
    this.unfinished.set(attempt.id, { attempt, failure: result });
    const record = async (): Promise<boolean> => {
      try {
        await this.recordFailure(attempt, result);
        this.unfinished.delete(attempt.id);
        return true;
      } catch (err) {
        this.deps.logger.warn({ err, attemptId: attempt.id }, "could not record the sign-in result yet");
        return false;
      }
    };
    if (await record()) return;
    const giveUpAt = (attempt.consumed_at ?? this.now()) + CALLBACK_DEADLINE_MS;
    // Detached on purpose: the browser gets its page now; the shutdown records whatever is left.
    void (async () => {
      for (let wait = 500; !this.stopping && this.unfinished.has(attempt.id) && this.now() + wait < giveUpAt; wait = Math.min(wait * 2, 8000)) {
        await new Promise((resolve) => setTimeout(resolve, wait).unref());
        if (!this.stopping && (await record())) return;
      }
    })();
  }

  /**
   * For the shutdown: gives every attempt this process consumed and did not finish its result
   * (`server_restarting`, or the failure it could not record), so the widget's poll ends now.
   */
  async failUnfinished(): Promise<number> {
    this.stopping = true;
    const left = [...this.unfinished.values()];
    this.unfinished.clear();
    for (const { attempt, failure } of left) {
      await this.recordFailure(attempt, failure ?? SERVER_RESTARTING).catch((err: unknown) =>
        this.deps.logger.error({ err, attemptId: attempt.id }, "could not record the result of an unfinished sign-in"),
      );
    }
    return left.length;
  }

  /** At start: attempts a crashed process left consumed without a result get one. */
  async sweepInterrupted(): Promise<number> {
    const stale = await this.deps.stores.attempts.findInterrupted(this.now() - CALLBACK_DEADLINE_MS, 100);
    for (const attempt of stale) await this.recordFailure(attempt, SIGN_IN_INTERRUPTED);
    return stale.length;
  }

  /** The callback consumed this attempt and is working on it. */
  begin(attempt: AttemptRow): void {
    this.unfinished.set(attempt.id, { attempt, failure: null });
  }

  /** The attempt's result is recorded (or stands elsewhere): nothing is left to do for it. */
  settled(attemptId: string): void {
    this.unfinished.delete(attemptId);
  }

  /** The failure this process is still trying to record for the attempt, if any. */
  pendingFailure(attemptId: string): ConnectResult | null {
    return this.unfinished.get(attemptId)?.failure ?? null;
  }
}
