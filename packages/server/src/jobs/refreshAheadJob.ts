import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { AppError } from "../errors.js";
import type { TokenRefresher } from "../services/tokenRefresher.js";
import type { Database } from "../store/schema.js";

export interface RefreshAheadJob {
  /** One pass: refreshes what is due now; resolves with how many connections it refreshed. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 100;

/**
 * Keeps connections alive without reads: refreshes access tokens shortly before they expire (so a
 * read rarely waits for Microsoft) and refreshes connections whose refresh token has been idle for
 * a while, well before Entra drops refresh tokens unused for 90 days.
 */
export function startRefreshAheadJob(deps: { config: Config; db: Kysely<Database>; refresher: TokenRefresher; logger: Logger; now?: () => number }): RefreshAheadJob {
  const { config, db, refresher, logger } = deps;
  const now = deps.now ?? Date.now;
  const intervalMs = config.refreshAhead.intervalSeconds * 1000;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let current: Promise<number> = Promise.resolve(0);

  async function runOnce(): Promise<number> {
    const t = now();
    // Due before the next pass could catch it: within the served-token margin plus one interval.
    const expiringBefore = t + config.tokenMinValiditySeconds * 1000 + intervalMs * 1.5;
    const idleSince = t - config.refreshAhead.touchIdleAfterSeconds * 1000;
    const due = await db
      .selectFrom("connections")
      .selectAll()
      .where("status", "=", "connected")
      .where((eb) =>
        eb.or([
          eb("access_token_expires_at", "<", expiringBefore),
          eb(eb.fn.coalesce("last_refreshed_at", "created_at"), "<", idleSince),
        ]),
      )
      .orderBy("access_token_expires_at")
      .limit(BATCH)
      .execute();
    let refreshed = 0;
    // One at a time: bounded load on Microsoft and on the database. Every instance's pass reads the
    // same due list; a connection another instance is refreshing now is skipped, not waited for.
    for (const row of due) {
      if (stopped) break;
      const reason = row.access_token_expires_at < expiringBefore ? "ahead" : "idle";
      try {
        if (await refresher.refreshUnlessBusy(row, reason)) refreshed++;
      } catch (err) {
        // The refresher recorded and reported what Microsoft said; say here that the pass moved on
        // (codes only: no tokens, no personal data).
        const code = err instanceof AppError ? err.code : err instanceof Error ? err.name : "unknown";
        logger.warn({ connectionId: row.connection_id, reason, code }, "refresh-ahead could not refresh a connection");
      }
    }
    return refreshed;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      current = runOnce().catch((err: unknown) => {
        logger.error({ err }, "refresh-ahead pass failed");
        return 0;
      });
      void current.finally(schedule);
    }, intervalMs);
  }

  if (config.refreshAhead.enabled) schedule();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
