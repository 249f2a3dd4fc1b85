import type { Selectable, Updateable } from "kysely";
import { databaseNow, databaseNowPlus } from "./databaseClock.js";
import { type Db, inTransaction } from "./db.js";
import { containsExactly } from "./like.js";
import type { WebhookAttemptTable, WebhookOutboxTable } from "./schema.js";

export type WebhookOutboxRow = Selectable<WebhookOutboxTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptTable>;

/**
 * The webhook outbox (tables `webhook_outbox` and `webhook_attempts`): queued events and their
 * delivery attempts. A dispatcher's claim on an event (`locked_until`) is written and judged by the
 * database's clock (databaseClock.ts), so a dispatcher whose clock runs ahead does not take an
 * event another one is delivering; due times stay the instances'.
 */
export class WebhookOutboxStore {
  constructor(private readonly db: Db) {}

  /** Queues an event due at `dueAt`. */
  async insert(event: { id: string; body: string; createdAt: number; dueAt: number; traceContext?: string | null }): Promise<void> {
    await this.db
      .insertInto("webhook_outbox")
      .values({
        id: event.id,
        body: event.body,
        created_at: event.createdAt,
        next_attempt_at: event.dueAt,
        locked_until: null,
        delivered_at: null,
        gave_up_at: null,
        last_error: null,
        trace_context: event.traceContext ?? null,
      })
      .execute();
  }

  /** Replaces a queued event's body and makes it due at `at`, unless it was sent, tried or is claimed now; false then. */
  release(id: string, body: string, at: number): Promise<boolean> {
    return this.changeUntried(id, { body, next_attempt_at: at });
  }

  /**
   * Gives up a queued event never tried (nor claimed now), with `reason` as its error and, when given,
   * `body` in place of its own (what is kept of an event never sent); false when it went out or is going.
   */
  cancel(id: string, at: number, reason: string, body?: string): Promise<boolean> {
    return this.changeUntried(id, { gave_up_at: at, last_error: reason, ...(body === undefined ? {} : { body }) });
  }

  /** A queued event's body, undefined when there is no such event. */
  async body(id: string): Promise<string | undefined> {
    return (await this.db.selectFrom("webhook_outbox").select("body").where("id", "=", id).executeTakeFirst())?.body;
  }

  /** Changes an event nobody has sent, tried or holds now: the only kind whose body or fate may still change. */
  private async changeUntried(id: string, changes: Updateable<WebhookOutboxTable>): Promise<boolean> {
    const updated = await this.db
      .updateTable("webhook_outbox")
      .set(changes)
      .where("id", "=", id)
      .where("delivered_at", "is", null)
      .where("gave_up_at", "is", null)
      .where("attempts", "=", 0)
      .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", databaseNow(this.db))]))
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  /** Events neither delivered nor given up, and the oldest one's creation time (the metrics' backlog gauges). */
  async backlog(): Promise<{ pending: number; oldestCreatedAt: number | null }> {
    const row = await this.db
      .selectFrom("webhook_outbox")
      .select((eb) => [eb.fn.countAll<number | string>().as("n"), eb.fn.min("created_at").as("oldest")])
      .where("delivered_at", "is", null)
      .where("gave_up_at", "is", null)
      .executeTakeFirst();
    return { pending: Number(row?.n ?? 0), oldestCreatedAt: row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest) };
  }

  /** Ids of events due at `at` and not claimed, oldest first. */
  async due(at: number, limit: number): Promise<{ id: string }[]> {
    return this.db
      .selectFrom("webhook_outbox")
      .select("id")
      .where("delivered_at", "is", null)
      .where("gave_up_at", "is", null)
      .where("next_attempt_at", "<=", at)
      .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", databaseNow(this.db))]))
      .orderBy("created_at")
      .orderBy("id")
      .limit(limit)
      .execute();
  }

  /**
   * Claims an event for `claimMs` in one conditional UPDATE that re-checks it is still due at `at`
   * and unclaimed, returning the event as it is now and the claim (its end by the database's clock,
   * also its token for `recordAttempt`); of several dispatchers exactly one gets it.
   */
  async claim(id: string, at: number, claimMs: number): Promise<{ body: string; attempts: number; trace_context?: string | null; claim: number } | undefined> {
    const row = await this.db
      .updateTable("webhook_outbox")
      .set({ locked_until: databaseNowPlus(this.db, claimMs) })
      .where("id", "=", id)
      .where("delivered_at", "is", null)
      .where("gave_up_at", "is", null)
      .where("next_attempt_at", "<=", at)
      .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", databaseNow(this.db))]))
      .returning(["body", "attempts", "trace_context", "locked_until"])
      .executeTakeFirst();
    if (!row) return undefined;
    const { locked_until, ...event } = row;
    return { ...event, claim: Number(locked_until) };
  }

  /**
   * Logs a delivery attempt and writes its outcome, in one transaction, the outcome only while the
   * dispatcher still holds its claim (`locked_until` is the claim's token). False when it lost it.
   */
  async recordAttempt(
    id: string,
    claim: number,
    attempt: { startedAt: number; endedAt: number; statusCode: number | null; error: string | null },
    outcome: Updateable<WebhookOutboxTable>,
  ): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      await trx
        .insertInto("webhook_attempts")
        .values({
          outbox_id: id,
          attempted_at: attempt.startedAt,
          status_code: attempt.statusCode,
          error: attempt.error,
          duration_ms: attempt.endedAt - attempt.startedAt,
        })
        .execute();
      const updated = await trx.updateTable("webhook_outbox").set(outcome).where("id", "=", id).where("locked_until", "=", claim).executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1;
    });
  }

  /** The newest events (of one connection, when given), newest first. */
  async latest(limit: number, connectionId?: string): Promise<WebhookOutboxRow[]> {
    let query = this.db.selectFrom("webhook_outbox").selectAll().orderBy("created_at", "desc").orderBy("id").limit(limit);
    if (connectionId) query = query.where(containsExactly("body", `"connectionId":${JSON.stringify(connectionId)}`));
    return query.execute();
  }

  /** The attempts of these events, in the order they were made. */
  async attemptsOf(ids: readonly string[]): Promise<WebhookAttemptRow[]> {
    if (ids.length === 0) return [];
    return this.db.selectFrom("webhook_attempts").selectAll().where("outbox_id", "in", ids).orderBy("attempted_at").orderBy("id").execute();
  }

  /**
   * Makes an undelivered event due now (a given-up one too, its attempts kept): false when it does not
   * exist, was delivered or was cancelled (given up never tried: `cancel`, whose event must not go out).
   */
  async retryNow(id: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable("webhook_outbox")
      .set({ next_attempt_at: at, gave_up_at: null, locked_until: null })
      .where("id", "=", id)
      .where("delivered_at", "is", null)
      .where((eb) => eb.or([eb("gave_up_at", "is", null), eb("attempts", ">", 0)]))
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }
}
