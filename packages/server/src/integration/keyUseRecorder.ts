import type { Logger } from "pino";
import { type PeriodicLoop, runPeriodically } from "../jobs/periodicJob.js";
import type { DatabaseOutage } from "../store/databaseOutage.js";
import type { SecretKeyUseStore } from "../store/secretKeyUseStore.js";
import type { SecretKeys } from "../tokens/secretKeys.js";

/** How often each instance writes its secret key use (at most how late integration status shows another instance's). */
export const KEY_USE_FLUSH_MS = 10_000;

/**
 * Use per API secret key for integration status, across instances, without a database write per
 * request: requests are counted in memory (SecretKeys) and each instance adds its counts to the
 * database every KEY_USE_FLUSH_MS, before it answers integration status, and when it stops. A failed
 * write (the database down) is logged and its counts kept for the next one.
 */
export class KeyUseRecorder {
  private loop: PeriodicLoop | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly keys: SecretKeys,
    private readonly store: SecretKeyUseStore,
    private readonly logger: Logger,
    /** Told of a failed write, so an unreachable database is logged once per outage. */
    private readonly outage?: DatabaseOutage,
  ) {}

  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    const uses = this.keys.takePending();
    if (uses.length === 0) return;
    this.flushing = this.store
      .add(uses)
      .catch((err: unknown) => {
        this.keys.restore(uses);
        if (!this.outage?.noted(err)) this.logger.warn({ err }, "could not write secret key use; kept for the next try");
      })
      .finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  /** Each configured key (in configuration order) with its requests and last use over every instance. */
  async usage(): Promise<{ fingerprint: string; requests: number; lastUsedAt: number | null }[]> {
    await this.flush();
    const stored = new Map((await this.store.list(this.keys.fingerprints)).map((u) => [u.fingerprint, u]));
    return this.keys.fingerprints.map((fingerprint) => {
      const use = stored.get(fingerprint);
      return { fingerprint, requests: use?.requests ?? 0, lastUsedAt: use ? use.lastUsedAt : null };
    });
  }

  start(intervalMs = KEY_USE_FLUSH_MS): void {
    this.loop ??= runPeriodically({ name: "secret key use flush", enabled: true, intervalMs, unref: true, logger: this.logger, pass: () => this.flush() });
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
    await this.flush();
  }
}
