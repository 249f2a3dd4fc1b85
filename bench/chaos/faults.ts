import type { EntraEmulator, MicrosoftAdsEmulator } from "@ads-connect/entra-emulator";
import type { Rng } from "./rng.js";

/** One fault at a time offset from the start of the run. */
export interface ScheduledFault {
  atMs: number;
  kind: "kill" | "postgres_restart" | "entra_5xx" | "entra_429" | "entra_slow" | "entra_reset" | "ads_117" | "ads_5xx" | "ads_reset" | "receiver_down";
}

/**
 * The run's fault schedule, from the seed: a kill -9 every 20–40 s (scaled for a short run), one
 * PostgreSQL restart, each Entra and Microsoft Advertising fault (again and again on a long run),
 * the webhook receiver down once. The clock of one instance runs ahead for the whole run (its
 * environment), so it is not scheduled.
 */
export function faultSchedule(rng: Rng, durationMs: number, short: boolean): ScheduledFault[] {
  const faults: ScheduledFault[] = [];
  const [killMin, killMax] = short ? [10_000, 18_000] : [20_000, 40_000];
  for (let t = rng.int(killMin, killMax); t < durationMs - 10_000; t += rng.int(killMin, killMax)) faults.push({ atMs: t, kind: "kill" });
  faults.push({ atMs: Math.round(durationMs * (short ? 0.45 : 0.4)), kind: "postgres_restart" });
  faults.push({ atMs: Math.round(durationMs * 0.2), kind: "receiver_down" });
  const external: ScheduledFault["kind"][] = ["entra_5xx", "entra_429", "entra_slow", "entra_reset", "ads_117", "ads_5xx", "ads_reset"];
  // Each external fault once in the first 70 % of the run, then (long runs) again every ~minute at random.
  for (const [i, kind] of external.entries()) faults.push({ atMs: Math.round(durationMs * (0.1 + (0.6 * i) / external.length)), kind });
  if (!short) for (let t = 60_000; t < durationMs * 0.8; t += rng.int(20_000, 40_000)) faults.push({ atMs: t, kind: rng.pick(external) });
  return faults.sort((a, b) => a.atMs - b.atMs);
}

/** Injects one external fault into the emulators; returns how many requests it will hit. */
export function injectExternal(kind: ScheduledFault["kind"], entra: EntraEmulator, ads: MicrosoftAdsEmulator, entraTimeoutMs: number): number {
  switch (kind) {
    case "entra_5xx": {
      const e = { status: 503, error: "temporarily_unavailable", aadsts: 90033, description: "A transient error has occurred. Please try again." };
      entra.injectTokenErrors("refresh_token", Array(6).fill(e));
      entra.injectTokenErrors("authorization_code", [e]);
      return 7;
    }
    case "entra_429": {
      const e = {
        status: 429,
        error: "temporarily_unavailable",
        aadsts: 50196,
        description: "The server terminated an operation because it encountered a client request loop.",
        retryAfterSeconds: 2,
      };
      entra.injectTokenErrors("refresh_token", Array(4).fill(e));
      return 4;
    }
    case "entra_slow":
      entra.injectTokenNetworkFaults("refresh_token", Array(3).fill({ kind: "slow", delayMs: entraTimeoutMs + 1500 }));
      entra.injectTokenNetworkFaults("authorization_code", [{ kind: "slow", delayMs: entraTimeoutMs + 1500 }]);
      return 4;
    case "entra_reset":
      entra.injectTokenNetworkFaults("refresh_token", Array(3).fill({ kind: "reset" }));
      entra.injectTokenNetworkFaults("authorization_code", [{ kind: "reset" }]);
      return 4;
    case "ads_117":
      ads.injectFault(117, { times: 12 });
      return 12;
    case "ads_5xx":
      ads.injectFault(0, { times: 5 });
      return 5;
    case "ads_reset":
      ads.injectReset(5);
      return 5;
    default:
      return 0;
  }
}
