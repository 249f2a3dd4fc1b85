import type { Logger } from "pino";
import type { AlertStore } from "../store/alertStore.js";

export interface Alert {
  /** Same key within the de-duplication window → sent once. */
  key: string;
  text: string;
}

export interface Alerter {
  alert(alert: Alert): Promise<void>;
}

/** How long a claimed alert holds its key while Slack is asked (the request times out sooner). */
const CLAIM_MS = 60_000;
const SEND_TIMEOUT_MS = 10_000;

/**
 * Posts alerts to a Slack incoming webhook, at most one per key per window (kept in the database,
 * so restarts and several processes do not repeat them). Without a URL alerts are only logged.
 * Callers build the text from ids and codes only, never tokens or personal data.
 *
 * Claim → send → confirm or release: the claim holds the key for `CLAIM_MS` only (so a second
 * occurrence, here or in another process, does not send it twice meanwhile); the window starts
 * when Slack answered 2xx; an alert Slack refused or never received releases the key, so its next
 * occurrence is sent. The window and the claim are judged by the database's clock (several
 * instances' clocks may disagree).
 */
export function createSlackAlerter(options: { store: AlertStore; url: string | null; dedupSeconds: number; logger: Logger }): Alerter {
  const windowMs = options.dedupSeconds * 1000;

  /** True when Slack answered 2xx. */
  async function send(url: string, key: string, text: string): Promise<boolean> {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text }),
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
      await res.body?.cancel();
      if (!res.ok) options.logger.error({ alert: key, status: res.status }, "Slack alert not accepted");
      return res.ok;
    } catch (err) {
      options.logger.error({ alert: key, failure: err instanceof Error ? err.name : "network error" }, "Slack alert could not be sent");
      return false;
    }
  }

  return {
    async alert({ key, text }) {
      // Written as if sent long enough ago that it lapses after CLAIM_MS unless confirmed.
      const claim = await options.store.claim(key, windowMs, CLAIM_MS);
      if (claim === null) return options.logger.debug({ alert: key }, "alert suppressed (sent recently)");
      options.logger.warn({ alert: key, text }, "alert");
      const delivered = options.url ? await send(options.url, key, text) : true;
      // Only our own claim is confirmed or released (another process may have taken the key since it lapsed).
      if (delivered) await options.store.confirm(key, claim);
      else await options.store.release(key, claim);
    },
  };
}
