import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, startEntraEmulator } from "@ads-connect/entra-emulator";
import { createServices } from "../composition.js";
import { loadConfig } from "../config.js";
import { startRefreshAheadJob } from "../connections/refreshAheadJob.js";
import { keepAliveDueAt } from "../connections/refreshSchedule.js";
import { createLogger } from "../logger.js";
import { createEntraClient } from "../oauth/entraClient.js";
import { createDatabase } from "../store/createDatabase.js";
import { encryptCredentials } from "../tokens/storedCredentials.js";

export interface RefreshSimulationOptions {
  connections: number;
  hours: number;
  /** Share of all connections read in each simulated hour (each at a random minute of it). */
  readFractionPerHour: number;
  /** Server settings (TOKEN_REQUESTS_PER_MINUTE, REFRESH_IDLE_AFTER_SECONDS, …) on top of the defaults. */
  env?: Record<string, string>;
  seed?: number;
  /** Called after each simulated hour (progress). */
  onHour?: (hour: HourFigures) => void;
}

export interface HourFigures {
  hour: number;
  /** Token requests that reached Microsoft (the Entra emulator) in this hour. */
  tokenRequests: number;
  /** Connections whose last read is within the active window at the end of the hour. */
  recentlyRead: number;
  reads: number;
  /** Reads that had to wait for a refresh: not read recently (expected), or read recently (should not happen). */
  readsRefreshedOnDemand: number;
  readsMissedAhead: number;
  /** Most token requests in one minute of this hour. */
  maxPerMinute: number;
  /** How far the oldest refresh is past the keep-alive period at the end of the hour (0 = none). */
  keepAliveOverdueMs: number;
}

export interface RefreshSimulationResult {
  connections: number;
  hours: number;
  tokenRequestsPerMinuteCap: number;
  keepAliveSeconds: number;
  activeWindowSeconds: number;
  perHour: HourFigures[];
  /** Most token requests in one clock minute, over the whole run. */
  maxPerMinute: number;
  /** Keep-alive refreshes a connection got later than its period allowed: the worst lateness in ms (0 = none late). */
  worstKeepAliveOverdueMs: number;
  readErrors: number;
  /** Wall time: seeding the connections, then the simulated hours. */
  seedSeconds: number;
  wallSeconds: number;
}

/** Small, seeded PRNG (mulberry32): the same run for the same seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * Runs the real refresh machinery — refresh-ahead job, token refresher with its leases and token
 * budget, the token read of the connection API, SQLite — under a fake clock, against the real Entra
 * emulator over HTTP, one simulated minute at a time: the reads due in that minute, then one job
 * pass (REFRESH_AHEAD_INTERVAL_SECONDS is 60). Connections start in a steady state: keep-alive times
 * spread over the period, access tokens expired, nobody has read them yet.
 */
export async function runRefreshSimulation(options: RefreshSimulationOptions): Promise<RefreshSimulationResult> {
  const started = Date.now();
  const random = prng(options.seed ?? 1);
  const emulator = await startEntraEmulator();
  const dataDir = mkdtempSync(path.join(tmpdir(), "ads-connect-refresh-sim-"));
  const config = loadConfig({
    DATA_DIR: dataDir,
    MICROSOFT_CLIENT_ID: DEV_CLIENT_ID,
    MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET,
    ENTRA_EMULATOR_URL: emulator.url,
    REFRESH_AHEAD_INTERVAL_SECONDS: "60",
    ...options.env,
  });
  const silent = new Writable({ write: (_c, _e, done) => done() });
  const logger = createLogger("error", silent);
  const db = await createDatabase(config.databaseFile);
  let t = Math.ceil(Date.now() / HOUR) * HOUR;
  const now = () => t;
  const services = createServices({ config, db, entra: createEntraClient(config.microsoft), logger, now });
  const job = startRefreshAheadJob({
    config: { ...config, refreshAhead: { ...config.refreshAhead, enabled: false } },
    schedule: services.stores.schedule,
    refresher: services.refresher,
    logger,
    lastFetched: services.lastFetched,
    now,
  });
  const keepAliveMs = config.refreshAhead.touchIdleAfterSeconds * 1000;
  const activeMs = config.refreshAhead.activeWindowSeconds * 1000;
  const marginMs = config.tokenMinValiditySeconds * 1000;

  try {
    // Seed: one test user's grant per connection (a refresh token minted by the emulator), written
    // as the connect flow writes it, with keep-alive times spread as they are in a running system.
    const ids: string[] = [];
    const BATCH = 500;
    for (let i = 0; i < options.connections; i += BATCH) {
      const rows = [];
      for (let j = i; j < Math.min(options.connections, i + BATCH); j++) {
        const connectionId = `sim-${j}`;
        ids.push(connectionId);
        const due = t + Math.round(random() * keepAliveMs);
        const refreshedAt = due - keepAliveDueAt(0, config.refreshAhead.touchIdleAfterSeconds, () => 0.5);
        const expiresAt = refreshedAt + HOUR;
        const credentials = {
          access_token: `at-${j}`,
          refresh_token: emulator.mintRefreshToken("adele@contoso.example"),
          id_token: null,
          token_type: "Bearer",
          scope: "https://ads.microsoft.com/msads.manage offline_access",
          expires_at: expiresAt,
        };
        rows.push({
          connection_id: connectionId,
          provider_config_key: "microsoft-ads",
          end_user_id: `end-user-${j}`,
          end_user: JSON.stringify({ id: `end-user-${j}` }),
          tenant_id: "9188040d-6c67-4c5b-b112-36a304b66dad",
          object_id: `object-${j}`,
          username: "adele@contoso.example",
          display_name: null,
          account_type: "work" as const,
          status: "connected" as const,
          errors: "[]",
          credentials_enc: await encryptCredentials(services.cipher, connectionId, credentials),
          access_token_expires_at: expiresAt,
          scope: credentials.scope,
          connection_config: JSON.stringify({ tenant: "common" }),
          metadata: null,
          tags: "{}",
          created_at: refreshedAt,
          updated_at: refreshedAt,
          last_fetched_at: null,
          last_refreshed_at: refreshedAt,
          keepalive_due_at: due,
        });
      }
      await db.insertInto("connections").values(rows).execute();
    }

    const seededAt = Date.now();
    const lastRead = new Map<string, number>();
    const perHour: HourFigures[] = [];
    let maxPerMinute = 0;
    let worstOverdue = 0;
    let readErrors = 0;
    const readsPerHour = Math.round(options.connections * options.readFractionPerHour);

    for (let hour = 0; hour < options.hours; hour++) {
      const figures: HourFigures = {
        hour,
        tokenRequests: 0,
        recentlyRead: 0,
        reads: 0,
        readsRefreshedOnDemand: 0,
        readsMissedAhead: 0,
        maxPerMinute: 0,
        keepAliveOverdueMs: 0,
      };
      // This hour's reads, each at a random minute.
      const byMinute: string[][] = Array.from({ length: 60 }, () => []);
      for (let r = 0; r < readsPerHour; r++) byMinute[Math.floor(random() * 60)]!.push(ids[Math.floor(random() * ids.length)]!);
      for (let minute = 0; minute < 60; minute++) {
        const before = emulator.stats.tokenRequests.refresh_token;
        for (const id of byMinute[minute]!) {
          const row = await db.selectFrom("connections").select(["access_token_expires_at"]).where("connection_id", "=", id).executeTakeFirstOrThrow();
          const needsRefresh = Number(row.access_token_expires_at) - t < marginMs;
          const last = lastRead.get(id);
          // Read recently, and long enough ago that a pass ran since: the job should have kept it fresh.
          const recent = last !== undefined && t - last <= activeMs && t - last >= 2 * MINUTE;
          if (needsRefresh) figures.readsRefreshedOnDemand++;
          if (needsRefresh && recent) figures.readsMissedAhead++;
          try {
            await services.connections.get(id, {});
          } catch {
            readErrors++;
          }
          lastRead.set(id, t);
          figures.reads++;
        }
        await job.runOnce();
        const sent = emulator.stats.tokenRequests.refresh_token - before;
        figures.tokenRequests += sent;
        figures.maxPerMinute = Math.max(figures.maxPerMinute, sent);
        maxPerMinute = Math.max(maxPerMinute, sent);
        t += MINUTE;
      }
      for (const at of lastRead.values()) if (t - at <= activeMs) figures.recentlyRead++;
      // No connection past its keep-alive: the oldest refresh must be within the period.
      const oldest = await db
        .selectFrom("connections")
        .select((eb) => eb.fn.min("last_refreshed_at").as("oldest"))
        .where("status", "=", "connected")
        .executeTakeFirstOrThrow();
      figures.keepAliveOverdueMs = Math.max(0, t - Number(oldest.oldest) - keepAliveMs);
      worstOverdue = Math.max(worstOverdue, figures.keepAliveOverdueMs);
      perHour.push(figures);
      options.onHour?.(figures);
    }
    return {
      connections: options.connections,
      hours: options.hours,
      tokenRequestsPerMinuteCap: config.tokenRequestsPerMinute,
      keepAliveSeconds: config.refreshAhead.touchIdleAfterSeconds,
      activeWindowSeconds: config.refreshAhead.activeWindowSeconds,
      perHour,
      maxPerMinute,
      worstKeepAliveOverdueMs: Math.max(0, worstOverdue),
      readErrors,
      seedSeconds: (seededAt - started) / 1000,
      wallSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    await job.stop();
    await services.outbox.stop?.();
    await db.destroy();
    await emulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
