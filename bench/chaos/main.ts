/**
 * Issue 25's chaos and soak driver (results in RELIABILITY.md):
 *   pnpm chaos            10 minutes (CHAOS_MINUTES) of mixed traffic with every fault, then the oracle
 *   pnpm chaos --short    the same in ~75 s (every fault at least once): a step of `pnpm test`
 *   pnpm soak             30 minutes (SOAK_MINUTES) of the mixed traffic without faults: memory, event loop, p99
 * CHAOS_SEED repeats a run's traffic and fault schedule; CHAOS_KEEP=1 keeps the run folder (logs).
 * Three server processes on one throwaway PostgreSQL cluster, both emulators, a webhook receiver
 * and a load balancer, all on 127.0.0.1. Exit code 0 only with zero oracle violations (and, for
 * the soak, its pass rule).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, startEntraEmulator, startMicrosoftAdsEmulator } from "@ads-connect/entra-emulator";
import { createDatabase } from "../../packages/server/src/store/createDatabase.js";
import { WIDGET_ORIGIN } from "../../packages/server/src/testing/harness.js";
import { startPostgresCluster } from "../../packages/server/src/testing/postgresCluster.js";
import { backendClient, Tally } from "./api.js";
import { startBalancer } from "./balancer.js";
import { faultSchedule, injectExternal, type ScheduledFault } from "./faults.js";
import { freePort, Instance } from "./instances.js";
import { runOracle } from "./oracle.js";
import { startReceiver } from "./receiver.js";
import { renderReport, soakFigures } from "./report.js";
import { Rng } from "./rng.js";
import { type TrafficState, worker } from "./traffic.js";

const args = process.argv.slice(2);
const mode: "chaos" | "short" | "soak" = args.includes("--soak") ? "soak" : args.includes("--short") ? "short" : "chaos";
const seed = Number(process.env.CHAOS_SEED ?? 25);
const durationMs =
  mode === "short" ? 75_000 : mode === "soak" ? Number(process.env.SOAK_MINUTES ?? 30) * 60_000 : Number(process.env.CHAOS_MINUTES ?? 10) * 60_000;
const ENTRA_TIMEOUT_MS = 2000;
const CLOCK_AHEAD_MS = 30_000;
const RECEIVER_DOWN_MS = mode === "short" ? 15_000 : 120_000;
const SECRET_KEY = "chaos-secret-key-0123456789abcdefghijklmnop";
const started = Date.now();
const log = (line: string) => process.stderr.write(`[${mode} ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

const cleanups: (() => Promise<unknown> | unknown)[] = [];
let cleaning: Promise<void> | null = null;
const cleanup = () =>
  (cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => {});
  })());
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    log(`${signal}: stopping and cleaning up`);
    void cleanup().then(() => process.exit(130));
  });

async function main(): Promise<number> {
  const rng = new Rng(seed);
  const runDir = mkdtempSync(path.join(tmpdir(), "ads-connect-chaos-"));
  if (process.env.CHAOS_KEEP !== "1") cleanups.push(() => rmSync(runDir, { recursive: true, force: true }));
  log(`seed ${seed}, ${Math.round(durationMs / 1000)} s of traffic, run folder ${runDir}`);

  const cluster = await startPostgresCluster();
  cleanups.push(() => cluster.destroy());
  const entra = await startEntraEmulator({ accessTokenLifetimeSeconds: 360 });
  cleanups.push(() => entra.close());
  const ads = await startMicrosoftAdsEmulator({ entra });
  cleanups.push(() => ads.close());
  const receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  const balancer = await startBalancer();
  cleanups.push(() => balancer.close());

  const env: Record<string, string> = {
    // Shared by the three instances (each has its own DATA_DIR, where a generated key would differ).
    ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 25).toString("base64")}`,
    PUBLIC_URL: balancer.url,
    DATABASE_URL: cluster.url,
    DATABASE_POOL_SIZE: "10",
    ADS_CONNECT_SECRET_KEY: SECRET_KEY,
    ADS_CONNECT_WEBHOOK_SIGNING_KEY: "chaos-webhook-signing-key-0123456789abcdef",
    ALLOWED_ORIGINS: WIDGET_ORIGIN,
    MICROSOFT_CLIENT_ID: DEV_CLIENT_ID,
    MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET,
    ENTRA_EMULATOR_URL: entra.url,
    MICROSOFT_ADS_API_URL: ads.url,
    WEBHOOK_URL: receiver.url,
    ENTRA_TIMEOUT_MS: String(ENTRA_TIMEOUT_MS),
    // One loopback client plays every user and backend: the per-IP limits would refuse most of it.
    RATE_LIMIT: "off",
    REFRESH_AHEAD_INTERVAL_SECONDS: "10",
    REFRESH_ACTIVE_WINDOW_SECONDS: "600",
    ACCOUNT_SYNC_INTERVAL_SECONDS: "60",
    PRUNE_INTERVAL_SECONDS: "30",
    // The receiver is down for two minutes: retries stay frequent and never give up meanwhile.
    WEBHOOK_RETRY_MAX_MS: "5000",
    WEBHOOK_MAX_ATTEMPTS: "100",
    PROXY_TIMEOUT_SECONDS: "20",
  };
  const instances: Instance[] = [];
  for (const name of ["a", "b", "c"]) {
    const dataDir = path.join(runDir, `data-${name}`);
    const extra: Record<string, string> = { DATA_DIR: dataDir };
    // Instance c's clock runs ahead (chaos runs only): leases and expiries must not trust one clock.
    if (name === "c" && mode !== "soak") extra.CHAOS_CLOCK_OFFSET_MS = String(CLOCK_AHEAD_MS);
    instances.push(
      new Instance(name, await freePort(), { ...env, ...extra }, path.join(runDir, `probe-${name}.jsonl`), path.join(runDir, `server-${name}.log`)),
    );
  }
  cleanups.push(() =>
    Promise.all(instances.map((i) => i.stop().catch(() => i.close()))).then(() => {
      for (const i of instances) i.close();
    }),
  );
  await instances[0]!.start();
  await Promise.all(instances.slice(1).map((i) => i.start()));
  const rebalance = () => balancer.balance(instances.filter((i) => i.up).map((i) => i.url));
  rebalance();
  log(`3 instances up behind ${balancer.url}`);
  const db = await createDatabase({ url: cluster.url, poolSize: 2 });
  cleanups.push(() => db.destroy());

  const tally = new Tally();
  const api = backendClient(() => balancer.url, SECRET_KEY, tally);
  const state: TrafficState = { baseUrl: balancer.url, api, connections: [], flows: [], maxConnections: mode === "short" ? 25 : 60, nextEndUser: 1 };
  const deadline = started + durationMs;
  const trafficStart = Date.now();
  const trafficEnd = trafficStart + durationMs;
  const done = () => Date.now() >= trafficEnd;
  const workers = Array.from({ length: 6 }, (_, i) => worker(state, new Rng(seed * 1000 + i), done));

  const injected: Record<string, number> = {};
  const killTimes: number[] = [];
  const count = (kind: string) => (injected[kind] = (injected[kind] ?? 0) + 1);
  const dbSizes: [number, number][] = [];
  const sampleDbSize = async () => {
    const row = await db
      .selectNoFrom((eb) => eb.fn<number>("pg_database_size", [eb.fn("current_database")]).as("size"))
      .executeTakeFirst()
      .catch(() => undefined);
    if (row) dbSizes.push([Date.now(), Number(row.size)]);
  };
  const sizeTimer = setInterval(() => void sampleDbSize(), 60_000);
  cleanups.push(() => clearInterval(sizeTimer));
  await sampleDbSize();

  const pending: Promise<unknown>[] = [];
  if (mode !== "soak") {
    count("clock_ahead");
    const schedule = faultSchedule(rng, durationMs, mode === "short");
    log(`fault schedule: ${schedule.map((f) => `${Math.round(f.atMs / 1000)}s ${f.kind}`).join(", ")}`);
    const run = async (fault: ScheduledFault) => {
      count(fault.kind);
      if (fault.kind === "kill") {
        const up = instances.filter((i) => i.up);
        if (up.length <= 1) return;
        const victim = rng.pick(up);
        log(`kill -9 ${victim.name}`);
        killTimes.push(Date.now());
        await victim.kill();
        rebalance();
        await new Promise((resolve) => setTimeout(resolve, rng.int(2000, 5000)));
        await victim.start().catch((err: unknown) => log(`restart of ${victim.name} failed: ${String(err)}`));
        rebalance();
      } else if (fault.kind === "postgres_restart") {
        log("PostgreSQL restart");
        await cluster.stop();
        await new Promise((resolve) => setTimeout(resolve, 4000));
        await cluster.start();
      } else if (fault.kind === "receiver_down") {
        log(`webhook receiver down for ${RECEIVER_DOWN_MS / 1000} s`);
        await receiver.down();
        await new Promise((resolve) => setTimeout(resolve, RECEIVER_DOWN_MS));
        await receiver.up();
        log("webhook receiver back");
      } else {
        injectExternal(fault.kind, entra, ads, ENTRA_TIMEOUT_MS);
        log(`injected ${fault.kind}`);
      }
    };
    for (const fault of schedule) {
      const timer = setTimeout(() => pending.push(run(fault)), fault.atMs);
      cleanups.push(() => clearTimeout(timer));
    }
  }
  const progress = setInterval(() => {
    const reads = tally.op("token_read");
    log(`flows ${state.flows.length}, connections ${state.connections.length}, token reads ${reads.ok}, violations so far ${tally.violations.length}`);
  }, 30_000);
  cleanups.push(() => clearInterval(progress));

  await Promise.all(workers);
  clearInterval(progress);
  await Promise.all(pending);
  // Everything back for the oracle: every instance up, the receiver listening.
  for (const i of instances) if (!i.up) await i.start();
  rebalance();
  await receiver.up();
  await sampleDbSize();
  log(`traffic stopped after ${Math.round((Date.now() - trafficStart) / 1000)} s; running the oracle`);
  const figures = await runOracle({
    db,
    entra,
    receiver,
    flows: state.flows,
    tally,
    api,
    baseUrl: balancer.url,
    killTimes,
    settleMs: Number(process.env.CHAOS_SETTLE_SECONDS ?? 150) * 1000,
    log,
  });
  const soak = mode === "soak" ? soakFigures(instances, tally, dbSizes, trafficStart) : null;
  const report = renderReport({
    mode,
    seed,
    trafficMs: Date.now() - trafficStart,
    figures,
    tally,
    injected,
    refreshGrants: entra.stats.tokenRequests.refresh_token,
    codeGrants: entra.stats.tokenRequests.authorization_code,
    adsCalls: ads.callCount(),
    instances: instances.map((i) => ({ name: i.name, starts: i.starts, errorLines: i.errorLines })),
    dbSizes,
    soak,
  });
  process.stdout.write(`${report.markdown}\n`);
  const out = path.join(tmpdir(), `ads-connect-${mode}-seed${seed}.json`);
  writeFileSync(out, JSON.stringify(report.json, null, 2));
  log(`figures written to ${out}`);
  void deadline;
  const failed = figures.violations.length > 0 || (soak !== null && !soak.pass);
  return failed ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}
await cleanup();
process.exit(code);
