import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { type OtelSettings, otelSettings } from "./otelSettings.js";
// Types only (erased): sdk.ts itself is imported dynamically below.
import type { SdkHandle } from "./sdk.js";

/** The process's OpenTelemetry SDK, when one was loaded; the code itself only ever calls `@opentelemetry/api`. */
export interface Telemetry {
  /** Spans are recorded (an OTLP traces endpoint is set): the HTTP server spans are worth making. */
  readonly tracing: boolean;
  /** The Prometheus exporter's scrape handler, when METRICS_ENABLED asked for one. */
  readonly prometheus: ((req: IncomingMessage, res: ServerResponse) => void) | null;
  /** Exports what is pending now (tests, shutdown). */
  flush(): Promise<void>;
  /** Flushes and unloads (the last user of a process-wide SDK unregisters it). */
  shutdown(): Promise<void>;
}

/** How long the last export at shutdown may take. */
const SHUTDOWN_EXPORT_MS = 3000;

export const NO_TELEMETRY: Telemetry = {
  tracing: false,
  prometheus: null,
  flush: async () => {},
  shutdown: async () => {},
};

/**
 * The SDK is global to the process (the API's registrations are): servers started in one process
 * (tests, two instances) share the first one's, and the last to stop unloads it.
 */
let shared: { handle: Promise<SdkHandle>; users: number } | undefined;

/**
 * Loads the OpenTelemetry SDK and its exporters, by dynamic import, only when the standard
 * variables ask for an export (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT…,
 * OTEL_SDK_DISABLED honoured) or `prometheus` is on (METRICS_ENABLED). Otherwise nothing is
 * imported and every `@opentelemetry/api` call in the code is the API's no-op.
 */
export async function startTelemetry(options: { env: Record<string, string | undefined>; prometheus: boolean; logger: Logger }): Promise<Telemetry> {
  const read = otelSettings(options.env);
  for (const warning of read?.warnings ?? []) options.logger.warn(`OpenTelemetry: ${warning}`);
  const settings: OtelSettings | null = read?.traces || read?.metrics ? read : null;
  if (!settings && !options.prometheus) return NO_TELEMETRY;
  if (!shared) {
    const handle = import("./sdk.js").then((sdk) => sdk.startSdk({ settings, prometheus: options.prometheus, logger: options.logger }));
    shared = { handle, users: 0 };
    handle.catch(() => {
      shared = undefined;
    });
  }
  const mine = shared;
  mine.users++;
  const handle = await mine.handle;
  options.logger.info(
    {
      traces: settings?.traces?.url ? new URL(settings.traces.url).origin : null,
      metrics: settings?.metrics?.url ? new URL(settings.metrics.url).origin : null,
    },
    "OpenTelemetry export on",
  );
  let stopped = false;
  return {
    tracing: handle.tracing,
    prometheus: handle.prometheus,
    flush: () => handle.flush(),
    async shutdown() {
      if (stopped) return;
      stopped = true;
      mine.users--;
      if (mine.users > 0) return handle.flush();
      if (shared === mine) shared = undefined;
      // A collector that is down is retried by the exporters: the stop does not wait for it long.
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_EXPORT_MS);
        timer.unref();
      });
      await Promise.race([handle.shutdown(), bound]);
      clearTimeout(timer);
    },
  };
}
