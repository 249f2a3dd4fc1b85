import type { Logger } from "pino";
import type { DatabaseOutage } from "../store/databaseOutage.js";

export interface PeriodicLoop {
  /** True once stop() was called: a pass checks it to end early. */
  stopped(): boolean;
  /** Ends the loop and waits for the pass running now. */
  stop(): Promise<void>;
}

/**
 * Runs a background job's pass every `intervalMs` after the previous pass ended (the first after
 * `firstDelayMs`), never two at once in this process. A failed pass is logged and the loop goes on.
 */
export function runPeriodically(options: {
  name: string;
  enabled: boolean;
  intervalMs: number;
  firstDelayMs?: number;
  /** Lets the process exit while only this loop's timer is pending. */
  unref?: boolean;
  logger: Logger;
  /** A pass failed by an unreachable database is the outage's (logged once), not an error per pass. */
  outage?: DatabaseOutage | undefined;
  pass: () => Promise<unknown>;
}): PeriodicLoop {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();

  function schedule(delay: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      current = options.pass().catch((err: unknown) => {
        if (!options.outage?.noted(err)) options.logger.error({ err }, `${options.name} pass failed`);
      });
      void current.finally(() => schedule(options.intervalMs));
    }, delay);
    if (options.unref) timer.unref();
  }

  if (options.enabled) schedule(options.firstDelayMs ?? options.intervalMs);
  return {
    stopped: () => stopped,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
