import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Database } from "../store/schema.js";

export interface Alert {
  /** Same key within the de-duplication window → sent once. */
  key: string;
  text: string;
}

export interface Alerter {
  alert(alert: Alert): Promise<void>;
}

/**
 * Posts alerts to a Slack incoming webhook, at most one per key per window (kept in the database,
 * so restarts and several processes do not repeat them). Without a URL alerts are only logged.
 * Callers build the text from ids and codes only, never tokens.
 */
export function createSlackAlerter(options: { db: Kysely<Database>; url: string | null; dedupSeconds: number; logger: Logger; now?: () => number }): Alerter {
  const now = options.now ?? Date.now;
  return {
    async alert({ key, text }) {
      const t = now();
      const claimed = await options.db.transaction().execute(async (trx) => {
        const last = await trx.selectFrom("alerts_sent").select("sent_at").where("key", "=", key).executeTakeFirst();
        if (last && last.sent_at > t - options.dedupSeconds * 1000) return false;
        await trx.insertInto("alerts_sent").values({ key, sent_at: t }).onConflict((oc) => oc.column("key").doUpdateSet({ sent_at: t })).execute();
        return true;
      });
      if (!claimed) return options.logger.debug({ alert: key }, "alert suppressed (sent recently)");
      options.logger.warn({ alert: key, text }, "alert");
      if (!options.url) return;
      try {
        const res = await fetch(options.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ text }),
          signal: AbortSignal.timeout(10_000),
        });
        await res.body?.cancel();
        if (!res.ok) options.logger.error({ alert: key, status: res.status }, "Slack alert not accepted");
      } catch (err) {
        options.logger.error({ alert: key, failure: err instanceof Error ? err.name : "network error" }, "Slack alert could not be sent");
      }
    },
  };
}
