import type { IntegrationStatusResponse, WebhookDelivery } from "@ads-connect/shared";
import { afterEach, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { countRows } from "../testing/countRows.js";
import { beginSignIn, connectAs, type Harness, resultOf, signInAs, startHarness } from "../testing/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const count = countRows;
const sessionStatus = async (harness: Harness, token: string) => harness.api("GET", "/connect/session/status", undefined, { authorization: `Bearer ${token}` });
const logLines = (harness: Harness) =>
  harness.logs
    .flatMap((l) => l.split("\n"))
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("pruning on a schedule", () => {
  it("deletes expired sessions with their attempts, old events and finished deliveries; keeps live flows and undelivered webhooks", async () => {
    h = await startHarness({
      env: { RETENTION_DAYS: "0", PRUNE_INTERVAL_SECONDS: "1", CONNECT_SESSION_TTL_SECONDS: "3", OAUTH_ATTEMPT_TTL_SECONDS: "120", REFRESH_AHEAD: "off" },
    });
    const harness = h;
    const connected = await connectAs(harness, "adele@contoso.example");
    expect(connected.result.type).toBe("ads-connect:success");
    const declined = await connectAs(harness, "declined@contoso.example");
    expect(declined.result).toMatchObject({ error: { code: "consent_declined" } });
    await harness.webhooks.waitFor(2);

    // The receiver goes down: the next failure's webhook stays undelivered.
    harness.webhooks.respondWith(503);
    const pendingFailure = await connectAs(harness, "declined@contoso.example");
    expect(pendingFailure.result.type).toBe("ads-connect:error");
    // A sign-in under way whose attempt outlives its session.
    const live = new BrowserClient();
    const liveSession = await harness.createSession();
    const loginPage = await beginSignIn(live, harness.startUrl(liveSession.token));

    // Expired sessions disappear: their tokens are unknown afterwards.
    await expect.poll(async () => (await sessionStatus(harness, connected.token)).status, { timeout: 15_000, interval: 200 }).toBe(401);
    await expect.poll(async () => (await sessionStatus(harness, declined.token)).status, { timeout: 15_000, interval: 200 }).toBe(401);
    await expect.poll(async () => (await sessionStatus(harness, pendingFailure.token)).status, { timeout: 15_000, interval: 200 }).toBe(401);
    expect((await sessionStatus(harness, connected.token)).json).toMatchObject({ error: { code: "connect_session_invalid" } });
    expect(await count(harness, "select count(*) as n from oauth_attempts")).toBe(1);

    // The live attempt survived, and its sign-in completes.
    const done = await signInAs(live, loginPage, "megan@contoso.example");
    expect(resultOf(done)).toMatchObject({ type: "ads-connect:success" });

    // Delivered webhooks and their attempt logs go; undelivered ones stay.
    await expect
      .poll(async () => ((await harness.api("GET", "/webhooks/deliveries")).json as { deliveries: WebhookDelivery[] }).deliveries.map((d) => d.status).sort(), {
        timeout: 15_000,
        interval: 200,
      })
      .toEqual(["pending", "pending"]);
    expect(await count(harness, "select count(*) as n from webhook_outbox where delivered_at is not null")).toBe(0);
    expect(await count(harness, "select count(*) as n from webhook_attempts where outbox_id not in (select id from webhook_outbox)")).toBe(0);

    // Old events go, except the newest of each kind, which the integration status reads.
    await expect.poll(() => count(harness, "select count(*) as n from integration_events"), { timeout: 15_000, interval: 200 }).toBe(2);
    const status = (await harness.api("GET", "/integrations/microsoft-ads/status")).json as IntegrationStatusResponse;
    expect(status.data.last_successful_connect_at).not.toBeNull();
    // Connections are never pruned.
    expect(((await harness.api("GET", "/connections")).json as { connections: unknown[] }).connections).toHaveLength(2);

    const pruned = logLines(harness).filter((l) => l.msg === "pruned old records");
    expect(pruned.length).toBeGreaterThan(0);
    const totals = pruned.reduce<Record<string, number>>((sum, l) => {
      for (const key of ["sessions", "attempts", "events", "webhooks", "webhookAttempts", "adminConsentLinks"])
        sum[key] = (sum[key] ?? 0) + Number(l[key] ?? 0);
      return sum;
    }, {});
    expect(totals.sessions).toBeGreaterThanOrEqual(3);
    expect(totals.attempts).toBeGreaterThanOrEqual(3);
    expect(totals.webhooks).toBeGreaterThanOrEqual(2);
    expect(totals.webhookAttempts).toBeGreaterThanOrEqual(2);
    expect(totals.events).toBeGreaterThanOrEqual(1);
  });

  it("deletes admin-consent links once expired past retention, and nothing before", async () => {
    h = await startHarness({ env: { RETENTION_DAYS: "1", PRUNE: "off", REFRESH_AHEAD: "off" } });
    const { result } = await connectAs(h, "needs-admin@fabrikam.example");
    if (result.type !== "ads-connect:error" || !result.error.admin_consent_url) throw new Error("expected an admin-consent link");
    const link = result.error.admin_consent_url;
    const links = () => count(h!, "select count(*) as n from admin_consent_requests");
    expect(await links()).toBe(1);

    // PRUNE=off: no scheduled pass; a pass now or at the link's expiry keeps it.
    expect(await h.server.prune.runOnce()).toMatchObject({ adminConsentLinks: 0 });
    expect(await h.server.prune.runOnce(Date.now() + 7 * 86_400_000 + 60_000)).toMatchObject({ adminConsentLinks: 0 });
    expect(await links()).toBe(1);
    // A day (the retention) after it expired, it goes.
    expect(await h.server.prune.runOnce(Date.now() + 8 * 86_400_000 + 60_000)).toMatchObject({ adminConsentLinks: 1 });
    expect(await links()).toBe(0);
    const page = await new BrowserClient().get(link);
    expect(page.status).toBe(404);
    expect(page.body).toContain('data-admin-consent="invalid"');
  });

  it("deletes ended proxy holds and ones longer than PROXY_MAX_HOLD_SECONDS allows (a century's Retry-After before the clamp); keeps live ones (review T4)", async () => {
    h = await startHarness({ env: { PRUNE: "off", REFRESH_AHEAD: "off", PROXY_MAX_HOLD_SECONDS: "600" } });
    const now = Date.now();
    await h.server.db
      .insertInto("proxy_holds")
      .values([
        { customer_key: "101", until: now - 1, reason: "call_rate_exceeded" },
        { customer_key: "102", until: now + 100 * 365 * 86_400_000, reason: "too_many_requests" },
        { customer_key: "103", until: now + 60_000, reason: "call_rate_exceeded" },
        { customer_key: "user:c-1", until: now + 600_000, reason: null },
      ])
      .execute();
    expect(await h.server.prune.runOnce(now)).toMatchObject({ proxyHolds: 2 });
    const left = await h.server.db.selectFrom("proxy_holds").select("customer_key").orderBy("customer_key").execute();
    expect(left.map((r) => r.customer_key)).toEqual(["103", "user:c-1"]);
  });

  it("works through more rows than one batch, and leaves live sessions alone", async () => {
    h = await startHarness({ env: { PRUNE: "off", RETENTION_DAYS: "0", REFRESH_AHEAD: "off" } });
    const live = await h.createSession();
    // 1,234 sessions that expired an hour ago, two finished attempts each, as a flood would leave them.
    const past = Date.now() - 3_600_000;
    await h.server.db.transaction().execute(async (trx) => {
      for (let from = 0; from < 1234; from += 200) {
        const ids = Array.from({ length: Math.min(200, 1234 - from) }, (_, k) => from + k);
        await trx
          .insertInto("connect_sessions")
          .values(ids.map((i) => ({ id: `s${i}`, token_hash: `h${i}`, end_user: '{"id":"u"}', created_at: past - 60_000, expires_at: past })))
          .execute();
        await trx
          .insertInto("oauth_attempts")
          .values(
            ids.flatMap((i) =>
              [0, 1].map((j) => ({
                id: `a${i}-${j}`,
                session_id: `s${i}`,
                state_hash: `st${i}-${j}`,
                binding_hash: "b",
                code_verifier_enc: "v",
                nonce: "n",
                tenant: "common",
                scope: "s",
                pending_connection_id: "p",
                created_at: past - 60_000,
                expires_at: past,
              })),
            ),
          )
          .execute();
      }
    });

    expect(await h.server.prune.runOnce()).toMatchObject({ sessions: 1234, attempts: 2468 });
    expect(await count(h, "select count(*) as n from connect_sessions")).toBe(1);
    expect(await count(h, "select count(*) as n from oauth_attempts")).toBe(0);
    expect((await sessionStatus(h, live.token)).status).toBe(200);
  });
});
