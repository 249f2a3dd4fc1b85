import { randomUUID } from "node:crypto";
import { CONNECT_SUCCESS, WEBHOOK_IDEMPOTENCY_HEADER } from "@ads-connect/shared";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import type { RunningServer } from "../server.js";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";
import { createWebhookOutbox } from "../webhooks/webhookOutbox.js";
import { startSyncJob } from "./syncJob.js";

// Instances on one PostgreSQL whose clocks disagree (the chaos run keeps instance c 30 s ahead):
// a lease is judged by the database's clock, so the instance running ahead neither takes over a
// lease another still holds nor waits past its real end. Before, each instance compared the
// lease's end with its own clock. The same for a webhook dispatcher's claim on an event.
let h: Harness;
let b: RunningServer;
beforeAll(async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off", SYNCS: "off", ACCOUNT_SYNC: "off" }, ads: { reportPollsBeforeReady: 0 } });
  b = await h.startInstance();
});
afterAll(async () => {
  await b.close();
  await h.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Far more than any lease here (the refresh lease is 10 s, the sync lease 5 minutes). */
const SKEW_MS = 10 * 60_000;
const realNow = Date.now.bind(Date);

async function connect(username: string): Promise<string> {
  const { result } = await connectAs(h, username);
  if (result.type !== CONNECT_SUCCESS) throw new Error(`connect failed: ${JSON.stringify(result)}`);
  return result.connection_id;
}

it("a refresh lease held by another instance is not taken over by an instance whose clock runs ahead, and is once it really expires", async () => {
  const id = await connect("adele@contoso.example");
  const before = h.emulator.stats.tokenRequests.refresh_token;
  // Instance A took the lease and died mid-refresh: it ends in 1.5 s of real time.
  const expiresAt = realNow() + 1500;
  await h.server.db.insertInto("refresh_leases").values({ connection_id: id, holder: "instance-a-killed-mid-refresh", expires_at: expiresAt }).execute();

  // Instance B's clock runs ahead (as the chaos run's preload does it: the process's Date.now).
  vi.spyOn(Date, "now").mockImplementation(() => realNow() + SKEW_MS);
  const headers = { authorization: `Bearer ${h.secretKey}` };
  const listed = await fetch(`${b.url}/connections?connectionId=${id}`, { headers });
  expect(((await listed.json()) as { connections: { status: string }[] }).connections[0]?.status).toBe("refreshing");
  const read = await fetch(`${b.url}/connections/${id}?force_refresh=true`, { headers });
  const body = (await read.json()) as { credentials: { access_token: string } };
  expect(read.status, JSON.stringify(body)).toBe(200);
  // B waited for the lease's real end, then refreshed itself (once).
  expect(realNow()).toBeGreaterThanOrEqual(expiresAt);
  expect(h.emulator.stats.tokenRequests.refresh_token - before).toBe(1);
  expect(h.emulator.isAccessTokenValid(body.credentials.access_token)).toBe(true);
});

it("a sync lease held by another instance is not claimed by an instance whose clock runs ahead, and is once it really expires", async () => {
  const id = await connect("megan@contoso.example");
  const { services, config, logger } = b;
  // Instance B's sync job, its clock far ahead (injected, as the services take it).
  const ahead = startSyncJob({ config, schedules: services.stores.syncSchedules, runner: services.syncRunner, logger, now: () => realNow() + SKEW_MS });
  try {
    await services.stores.syncSchedules.ensureForDiscoveredConnections(["campaigns", "campaign-performance-daily"], realNow());
    // Only this connection's syncs are due; instance A holds both, for 1.5 s of real time.
    await h.server.db
      .updateTable("sync_schedules")
      .set({ due_at: realNow() + 3_600_000 })
      .where("connection_id", "!=", id)
      .execute();
    const leaseUntil = realNow() + 1500;
    await h.server.db
      .updateTable("sync_schedules")
      .set({ due_at: realNow() - 1, lease_holder: "instance-a", lease_until: leaseUntil, status: "RUNNING" })
      .where("connection_id", "=", id)
      .execute();

    expect(await ahead.runOnce()).toBe(0);
    const held = await h.server.db.selectFrom("sync_schedules").select("lease_holder").where("connection_id", "=", id).execute();
    expect(held.map((r) => r.lease_holder)).toEqual(["instance-a", "instance-a"]);
    const status = await h.api("GET", `/sync/status?provider_config_key=microsoft-ads&syncs=campaigns&connection_id=${id}`);
    expect(status.json).toMatchObject({ syncs: [{ status: "RUNNING" }] });

    // After the lease's real end, B takes both over and runs them.
    await vi.waitFor(async () => expect(await ahead.runOnce()).toBe(2), { timeout: 10_000, interval: 100 });
    expect(realNow()).toBeGreaterThanOrEqual(leaseUntil);
    const done = await h.server.db.selectFrom("sync_schedules").select(["status", "lease_holder"]).where("connection_id", "=", id).execute();
    expect(done).toEqual([
      { status: "SUCCESS", lease_holder: null },
      { status: "SUCCESS", lease_holder: null },
    ]);
  } finally {
    await ahead.stop();
  }
});

it("a sync run on an instance whose clock runs behind writes each of its leases by the database's clock, the last renewal too", async () => {
  const id = await connect("three@contoso.example");
  const { services, config, logger } = b;
  // Every lease written to a sync schedule, with the database's clock at the time (a trigger: the
  // last renewal is overwritten in the same transaction, so nothing else would see it).
  await sql`create table lease_writes (lease_until bigint not null, db_now bigint not null)`.execute(h.server.db);
  await sql`create function log_lease_write() returns trigger language plpgsql as $$
    begin
      if new.lease_until is not null then
        insert into lease_writes values (new.lease_until, (extract(epoch from clock_timestamp()) * 1000)::bigint);
      end if;
      return new;
    end $$`.execute(h.server.db);
  await sql`create trigger lease_writes_log before update on sync_schedules for each row execute function log_lease_write()`.execute(h.server.db);
  const behind = () => realNow() - SKEW_MS;
  const job = startSyncJob({ config, schedules: services.stores.syncSchedules, runner: services.syncRunner, logger, now: behind });
  try {
    await services.stores.syncSchedules.ensureForDiscoveredConnections(["campaigns", "campaign-performance-daily"], realNow());
    await h.server.db
      .updateTable("sync_schedules")
      .set({ due_at: realNow() + 3_600_000 })
      .execute();
    await h.server.db
      .updateTable("sync_schedules")
      .set({ due_at: behind() - 1, lease_holder: null, lease_until: null })
      .where("connection_id", "=", id)
      .execute();
    // The runner's clock (the process's Date.now) runs behind too.
    vi.spyOn(Date, "now").mockImplementation(behind);
    expect(await job.runOnce()).toBe(2);
    vi.restoreAllMocks();
    const done = await h.server.db.selectFrom("sync_schedules").select("status").where("connection_id", "=", id).execute();
    expect(done).toEqual([{ status: "SUCCESS" }, { status: "SUCCESS" }]);
    const writes = await sql<{ lease_until: string; db_now: string }>`select lease_until, db_now from lease_writes`.execute(h.server.db);
    expect(writes.rows.length).toBeGreaterThan(2);
    // Each lease ends about 5 minutes after the database's now, none 10 minutes earlier.
    for (const w of writes.rows) expect(Number(w.lease_until) - Number(w.db_now)).toBeGreaterThan(60_000);
  } finally {
    vi.restoreAllMocks();
    await job.stop();
    await sql`drop trigger if exists lease_writes_log on sync_schedules`.execute(h.server.db);
  }
});

it("a webhook event claimed by another instance's dispatcher is not sent by a dispatcher whose clock runs ahead until the claim really expires", async () => {
  const { services, logger } = b;
  const id = randomUUID();
  // Instance A's dispatcher claimed the event and died mid-delivery: its claim ends in 1.5 s of real time.
  const lockedUntil = realNow() + 1500;
  await h.server.db
    .insertInto("webhook_outbox")
    .values({
      id,
      body: JSON.stringify({ type: "auth", operation: "creation", success: true, connectionId: "skew", idempotencyKey: id }),
      created_at: realNow(),
      next_attempt_at: realNow() - 1,
      locked_until: lockedUntil,
      delivered_at: null,
      gave_up_at: null,
      last_error: null,
      trace_context: null,
    })
    .execute();
  const ahead = createWebhookOutbox({
    store: services.stores.webhooks,
    url: h.webhooks.url,
    signingKey: h.webhookSigningKey,
    logger,
    maxAttempts: 5,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    pollMs: 20,
    now: () => realNow() + SKEW_MS,
  });
  ahead.start();
  try {
    const delivered = () => h.webhooks.received.filter((w) => w.headers[WEBHOOK_IDEMPOTENCY_HEADER.toLowerCase()] === id);
    await expect.poll(() => delivered().length, { timeout: 10_000, interval: 20 }).toBe(1);
    // Sent once (by whichever dispatcher took it), only after A's claim had really ended.
    expect(realNow()).toBeGreaterThanOrEqual(lockedUntil);
  } finally {
    await ahead.stop();
  }
});
