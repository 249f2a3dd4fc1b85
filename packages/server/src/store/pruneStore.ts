import { PostgresAdapter } from "kysely";
import type { DatabaseHandle } from "./db.js";

/**
 * Deletes what nobody needs any more, one bounded batch per call; each method returns how many rows
 * of its kind went. `cutoff` is an epoch-ms time: only what ended before it is deleted.
 */
export class PruneStore {
  /**
   * On PostgreSQL the batch's rows are locked as they are picked, skipping rows another instance's
   * pass holds: concurrent passes take disjoint batches instead of waiting on (or deadlocking over)
   * each other's deletes. SQLite has one writer at a time and no row locks.
   */
  private readonly skipLocked: boolean;

  constructor(private readonly db: DatabaseHandle) {
    this.skipLocked = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  /**
   * Connect sessions expired before `cutoff`, with their attempts. A session with an attempt still
   * live (an attempt may outlive its session: not yet used, or its sign-in still being finished)
   * stays until that attempt has expired too.
   */
  async expiredSessions(cutoff: number, batch: number): Promise<{ sessions: number; attempts: number }> {
    return this.db.transaction().execute(async (trx) => {
      const ids = (
        await trx
          .selectFrom("connect_sessions")
          .select("id")
          .where("expires_at", "<", cutoff)
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom("oauth_attempts")
                  .select("oauth_attempts.id")
                  .whereRef("oauth_attempts.session_id", "=", "connect_sessions.id")
                  .where("oauth_attempts.expires_at", ">=", cutoff)
                  .where((eb) => eb.or([eb("oauth_attempts.consumed_at", "is", null), eb("oauth_attempts.result", "is", null)])),
              ),
            ),
          )
          .limit(batch)
          .$if(this.skipLocked, (q) => q.forUpdate().skipLocked())
          .execute()
      ).map((r) => r.id);
      if (ids.length === 0) return { sessions: 0, attempts: 0 };
      const attempts = await trx.deleteFrom("oauth_attempts").where("session_id", "in", ids).executeTakeFirst();
      const sessions = await trx.deleteFrom("connect_sessions").where("id", "in", ids).executeTakeFirst();
      return { sessions: Number(sessions.numDeletedRows), attempts: Number(attempts.numDeletedRows) };
    });
  }

  /** Webhooks delivered or given up before `cutoff`, with their delivery attempts; undelivered ones stay. */
  async finishedWebhooks(cutoff: number, batch: number): Promise<{ webhooks: number; webhookAttempts: number }> {
    return this.db.transaction().execute(async (trx) => {
      const ids = (
        await trx
          .selectFrom("webhook_outbox")
          .select("id")
          .where((eb) => eb.or([eb("delivered_at", "<", cutoff), eb("gave_up_at", "<", cutoff)]))
          .limit(batch)
          .$if(this.skipLocked, (q) => q.forUpdate().skipLocked())
          .execute()
      ).map((r) => r.id);
      if (ids.length === 0) return { webhooks: 0, webhookAttempts: 0 };
      const attempts = await trx.deleteFrom("webhook_attempts").where("outbox_id", "in", ids).executeTakeFirst();
      const webhooks = await trx.deleteFrom("webhook_outbox").where("id", "in", ids).executeTakeFirst();
      return { webhooks: Number(webhooks.numDeletedRows), webhookAttempts: Number(attempts.numDeletedRows) };
    });
  }

  /**
   * Integration events from before `cutoff`, except the newest of each kind and the newest
   * configuration failure: the integration status reads "last successful connect/refresh" and
   * whether a configuration problem is still open from those.
   */
  async oldEvents(cutoff: number, batch: number): Promise<number> {
    const ids = (
      await this.db
        .selectFrom("integration_events")
        .select("id")
        .where("at", "<", cutoff)
        .where("id", "not in", (eb) =>
          eb
            .selectFrom("integration_events")
            .select((e) => e.fn.max("id").as("id"))
            .groupBy("kind"),
        )
        .where("id", "not in", (eb) =>
          eb
            .selectFrom("integration_events")
            .select((e) => e.fn.max("id").as("id"))
            .where("actor", "=", "product_team")
            .where("kind", "in", ["connect_failed", "refresh_failed"])
            // Grouped so that no such event gives no row (a bare max() would give NULL, and NOT IN (NULL) matches nothing).
            .groupBy("actor"),
        )
        .limit(batch)
        .execute()
    ).map((r) => r.id);
    if (ids.length === 0) return 0;
    const deleted = await this.db.deleteFrom("integration_events").where("id", "in", ids).executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  /** Operations of the operation log started before `cutoff`, with their messages. */
  async oldOperations(cutoff: number, batch: number): Promise<{ operations: number; operationMessages: number }> {
    return this.db.transaction().execute(async (trx) => {
      const ids = (
        await trx
          .selectFrom("operations")
          .select("id")
          .where("started_at", "<", cutoff)
          .limit(batch)
          .$if(this.skipLocked, (q) => q.forUpdate().skipLocked())
          .execute()
      ).map((r) => r.id);
      if (ids.length === 0) return { operations: 0, operationMessages: 0 };
      const messages = await trx.deleteFrom("operation_messages").where("operation_id", "in", ids).executeTakeFirst();
      const operations = await trx.deleteFrom("operations").where("id", "in", ids).executeTakeFirst();
      return { operations: Number(operations.numDeletedRows), operationMessages: Number(messages.numDeletedRows) };
    });
  }

  /** Admin-consent links expired before `cutoff` (an approval in progress keeps its link); the approvals per tenant stay. */
  async expiredAdminConsentLinks(cutoff: number, batch: number): Promise<number> {
    const ids = (
      await this.db
        .selectFrom("admin_consent_requests")
        .select("id")
        .where("expires_at", "<", cutoff)
        .where((eb) => eb.or([eb("state_expires_at", "is", null), eb("state_expires_at", "<", cutoff)]))
        .limit(batch)
        .execute()
    ).map((r) => r.id);
    if (ids.length === 0) return 0;
    const deleted = await this.db.deleteFrom("admin_consent_requests").where("id", "in", ids).executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  /** Redirect-mode sign-ins that expired before `at` (their result redeemed or abandoned). */
  async expiredRedirects(at: number): Promise<number> {
    const deleted = await this.db.deleteFrom("connect_redirects").where("expires_at", "<", at).executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  /**
   * The proxy's customer holds (after a 429) that have ended before `at`, and those ending after
   * `latest`: longer than any hold the clamp allows (stored before it existed), they would
   * otherwise never end. The customer's next 429 sets a proper hold.
   */
  async endedProxyHolds(at: number, latest: number): Promise<number> {
    const deleted = await this.db
      .deleteFrom("proxy_holds")
      .where((eb) => eb.or([eb("until", "<", at), eb("until", ">", latest)]))
      .executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  /** Rate-limit counters whose window has ended (a later hit would start the count again anyway). */
  async endedRateLimitWindows(at: number): Promise<number> {
    const deleted = await this.db.deleteFrom("rate_limit_hits").where("reset_at", "<", at).executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }
}
