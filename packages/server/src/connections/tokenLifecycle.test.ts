import type { TokenErrorInjection } from "@ads-connect/entra-emulator";
import { AuthWebhookBodySchema, WebhookDeliveriesResponseSchema } from "@ads-connect/shared";
import { afterEach, describe, expect, it } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";
import { signWebhook } from "../webhooks/signWebhook.js";

interface ConnectionBody {
  status: string;
  errors: { type: string }[];
  connection_id: string;
  credentials: { access_token: string; expires_at: string };
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function connected(harness: Harness, username = "adele@contoso.example"): Promise<string> {
  const { result } = await connectAs(harness, username);
  if (result.type !== "ads-connect:success") throw new Error(`connect failed: ${JSON.stringify(result)}`);
  return result.connection_id;
}
const refreshes = (harness: Harness) => harness.emulator.stats.tokenRequests.refresh_token;
const getConnection = async (harness: Harness, id: string, query = "") => {
  const res = await harness.api("GET", `/connections/${id}${query}`);
  return { status: res.status, body: res.json as ConnectionBody & { error?: { code: string } } };
};
const webhookBodies = (harness: Harness) => harness.webhooks.received.map((w) => AuthWebhookBodySchema.parse(JSON.parse(w.rawBody)));
const logLines = (harness: Harness) =>
  harness.logs
    .flatMap((l) => l.split("\n"))
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("token lifecycle against the emulator", () => {
  it("refresh ahead keeps a connection serving valid tokens across several lifetimes with no reads", async () => {
    h = await startHarness({
      emulator: { accessTokenLifetimeSeconds: 3 },
      env: { TOKEN_MIN_VALIDITY_SECONDS: "1", REFRESH_AHEAD_INTERVAL_SECONDS: "1" },
    });
    const id = await connected(h);
    const first = (await getConnection(h, id)).body.credentials.access_token;
    const start = refreshes(h);
    // No reads: only the background job talks to Microsoft. Three lifetimes go by.
    await expect.poll(() => h!.emulator.isAccessTokenValid(first), { timeout: 15_000, interval: 200 }).toBe(false);
    await expect.poll(() => refreshes(h!) - start, { timeout: 15_000, interval: 200 }).toBeGreaterThanOrEqual(3);
    const { status, body } = await getConnection(h, id);
    expect(status).toBe(200);
    expect(body.status).toBe("connected");
    expect(h.emulator.isAccessTokenValid(body.credentials.access_token)).toBe(true);
    expect(Date.parse(body.credentials.expires_at)).toBeGreaterThan(Date.now());
  });

  it("200 concurrent reads of an expiring connection share one refresh and get the same valid token", async () => {
    h = await startHarness({ emulator: { accessTokenLifetimeSeconds: 1 }, env: { REFRESH_AHEAD: "off" } });
    const id = await connected(h);
    const stale = (await getConnection(h, id)).body.credentials.access_token;
    await expect.poll(() => h!.emulator.isAccessTokenValid(stale), { timeout: 5_000, interval: 100 }).toBe(false);
    h.emulator.setAccessTokenLifetimeSeconds(3600);
    const before = refreshes(h);
    const reads = await Promise.all(Array.from({ length: 200 }, () => getConnection(h!, id)));
    expect(refreshes(h) - before).toBe(1);
    expect(new Set(reads.map((r) => r.status))).toEqual(new Set([200]));
    const tokens = new Set(reads.map((r) => r.body.credentials.access_token));
    expect(tokens.size).toBe(1);
    expect(h.emulator.isAccessTokenValid([...tokens][0]!)).toBe(true);
  });

  it("a revoked grant turns the connection expired, tells the webhook and Slack, and a reconnect brings it back under the same id", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
    const id = await connected(h);
    await h.webhooks.waitFor(1);
    h.emulator.revokeRefreshTokens("adele@contoso.example");

    const failed = await getConnection(h, id, "?force_refresh=true");
    expect(failed.status).toBe(424);
    expect(failed.body.error?.code).toBe("grant_expired");
    const listed = (await h.api("GET", `/connections?connectionId=${id}`)).json as { connections: { status: string; errors: { type: string }[] }[] };
    expect(listed.connections[0]).toMatchObject({ status: "expired", errors: [{ type: "grant_expired" }] });
    // Tokens are no longer served, even without a refresh.
    expect((await getConnection(h, id)).status).toBe(424);

    await h.webhooks.waitFor(2);
    expect(webhookBodies(h)[1]).toMatchObject({ operation: "refresh", success: false, connectionId: id, error: { type: "grant_expired" } });
    await h.slack.waitFor(1);
    const slackText = (JSON.parse(h.slack.received[0]!.rawBody) as { text: string }).text;
    expect(slackText).toContain(id);
    expect(slackText).not.toContain("end-user-1");
    expect(slackText).not.toMatch(/eyJ|adsc_|rt_/);

    // Reconnect: a reconnect session for this connection, the same Microsoft account signs in.
    const session = await h.api("POST", "/connect/sessions/reconnect", { connection_id: id, integration_id: "microsoft-ads" });
    const token = (session.json as { data: { token: string } }).data.token;
    const { result } = await connectAs(h, "adele@contoso.example", { token });
    expect(result).toMatchObject({ type: "ads-connect:success", connection_id: id, operation: "override" });
    const back = await getConnection(h, id, "?force_refresh=true");
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ connection_id: id, status: "connected", errors: [] });
    expect(((await h.api("GET", "/connections")).json as { connections: unknown[] }).connections).toHaveLength(1);
  });

  it("a reconnect by a different Microsoft account is refused and changes nothing", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
    const id = await connected(h);
    const before = await getConnection(h, id);
    const session = await h.api("POST", "/connect/sessions/reconnect", { connection_id: id, integration_id: "microsoft-ads" });
    const token = (session.json as { data: { token: string } }).data.token;
    const { result } = await connectAs(h, "megan@contoso.example", { token });
    expect(h.emulator.lastAuthorizeRequest?.get("prompt")).toBe("select_account");
    expect(h.emulator.lastAuthorizeRequest?.get("login_hint")).toBe("adele@contoso.example");
    expect(result).toMatchObject({ type: "ads-connect:error", error: { code: "reconnect_account_mismatch" } });
    const after = await getConnection(h, id);
    expect(after.body.credentials.access_token).toBe(before.body.credentials.access_token);
    expect(((await h.api("GET", "/connections")).json as { connections: unknown[] }).connections).toHaveLength(1);
  });

  it.each<[string, TokenErrorInjection]>([
    ["429 with Retry-After", { status: 429, error: "temporarily_unavailable", aadsts: 50196, description: "The server is busy.", retryAfterSeconds: 1 }],
    ["503", { status: 503, error: "temporarily_unavailable", aadsts: 90033, description: "A transient error has occurred." }],
  ])("%s then success: the connection never leaves connected and the retries are in the logs", async (_name, injected) => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
    const id = await connected(h);
    h.emulator.injectTokenErrors("refresh_token", [injected, injected]);
    const before = refreshes(h);
    const { status, body } = await getConnection(h, id, "?force_refresh=true");
    expect(status).toBe(200);
    expect(body.status).toBe("connected");
    expect(refreshes(h) - before).toBe(3);
    expect(h.emulator.isAccessTokenValid(body.credentials.access_token)).toBe(true);
    const retries = logLines(h).filter((l) => l.msg === "token refresh failed, retrying" && l.connectionId === id);
    expect(retries.map((l) => [l.attempt, l.code])).toEqual([
      [1, "provider_temporarily_unavailable"],
      [2, "provider_temporarily_unavailable"],
    ]);
    if (injected.retryAfterSeconds) expect(retries.every((l) => l.delayMs === 1000)).toBe(true);
    expect(((await h.api("GET", `/connections?connectionId=${id}`)).json as { connections: { status: string }[] }).connections[0]!.status).toBe("connected");
    expect(h.slack.received).toHaveLength(0);
  });

  it("while Microsoft stays down the last good token is served; repeated failures are reported once, and so is the recovery", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off", REFRESH_MAX_TRIES: "1", TRANSIENT_ALERT_THRESHOLD: "2" } });
    const id = await connected(h);
    const good = (await getConnection(h, id)).body.credentials.access_token;
    const down = { status: 503, error: "temporarily_unavailable", aadsts: 90033, description: "A transient error has occurred." };
    h.emulator.injectTokenErrors("refresh_token", [down, down, down]);
    for (let i = 0; i < 3; i++) {
      const served = await getConnection(h, id, "?force_refresh=true");
      expect(served.status).toBe(200);
      expect(served.body.credentials.access_token).toBe(good);
      expect(served.body.status).toBe("connected");
    }
    const recovered = await getConnection(h, id, "?force_refresh=true");
    expect(recovered.body.credentials.access_token).not.toBe(good);
    await h.webhooks.waitFor(3);
    await h.slack.waitFor(2);
    const refreshHooks = webhookBodies(h).filter((b) => b.operation === "refresh");
    expect(refreshHooks.map((b) => [b.success, b.error?.type])).toEqual([
      [false, "provider_temporarily_unavailable"],
      [true, undefined],
    ]);
    expect(h.slack.received.map((r) => (JSON.parse(r.rawBody) as { text: string }).text)).toEqual([
      expect.stringContaining("failed 2 times in a row"),
      expect.stringContaining("works again"),
    ]);
  });

  it("a bad client secret at refresh is the integration's problem: alerted, not blamed on the end user", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
    const id = await connected(h);
    await h.webhooks.waitFor(1);
    h.emulator.injectTokenErrors("refresh_token", [
      { status: 401, error: "invalid_client", aadsts: 7000215, description: "Invalid client secret provided." },
      { status: 401, error: "invalid_client", aadsts: 7000215, description: "Invalid client secret provided." },
    ]);
    const failed = await getConnection(h, id, "?force_refresh=true");
    expect(failed.status).toBe(502);
    expect(failed.body.error?.code).toBe("invalid_client_secret");
    expect(
      ((await h.api("GET", `/connections?connectionId=${id}`)).json as { connections: { status: string; errors: unknown[] }[] }).connections[0],
    ).toMatchObject({
      status: "connected",
      errors: [],
    });
    await h.slack.waitFor(1);
    expect((JSON.parse(h.slack.received[0]!.rawBody) as { text: string }).text).toMatch(/invalid_client_secret \(AADSTS7000215\)/);
    // The same problem again is not a second Slack message.
    await getConnection(h, id, "?force_refresh=true");
    expect(logLines(h).filter((l) => l.msg === "alert suppressed (sent recently)")).toHaveLength(1);
    expect(h.slack.received).toHaveLength(1);
    const queued = WebhookDeliveriesResponseSchema.parse((await h.api("GET", "/webhooks/deliveries")).json).deliveries;
    expect(queued.map((d) => d.operation)).toEqual(["creation"]);
    expect(logLines(h).some((l) => l.msg === "token refresh failed" && l.aadsts === 7000215 && l.class === "configuration")).toBe(true);
  });

  it("an invalid_grant whose AADSTS number is not a dead grant keeps the connection: 502, the error recorded, the next refresh works", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
    const id = await connected(h);
    await h.webhooks.waitFor(1);
    h.emulator.injectTokenErrors("refresh_token", [
      { status: 400, error: "invalid_grant", aadsts: 9002313, description: "Invalid request. Request is malformed or invalid." },
    ]);
    const failed = await getConnection(h, id, "?force_refresh=true");
    expect(failed.status).toBe(502);
    expect(failed.body.error?.code).toBe("provider_error");
    const listed = (await h.api("GET", `/connections?connectionId=${id}`)).json as { connections: { status: string; errors: { type: string }[] }[] };
    expect(listed.connections[0]).toMatchObject({ status: "error", errors: [{ type: "provider_error" }] });
    expect(logLines(h).some((l) => l.msg === "token refresh failed" && l.aadsts === 9002313 && l.class === "unknown")).toBe(true);
    // Tokens are still served, and the next refresh brings the connection back.
    const back = await getConnection(h, id, "?force_refresh=true");
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ status: "connected", errors: [] });
    expect(h.emulator.isAccessTokenValid(back.body.credentials.access_token)).toBe(true);
  });

  it("a connection left in error by a failure nobody could classify is refreshed again by the background job, which brings it back", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off", REFRESH_MAX_TRIES: "1" } });
    const id = await connected(h);
    // Read just now and about to expire: due for the refresh-ahead pass.
    const due = () =>
      h!.server.db
        .updateTable("connections")
        .set({ access_token_expires_at: Date.now() + 1000, last_fetched_at: Date.now() })
        .where("connection_id", "=", id)
        .execute();
    await due();
    h.emulator.injectTokenErrors("refresh_token", [
      { status: 400, error: "invalid_grant", aadsts: 9002313, description: "Invalid request. Request is malformed or invalid." },
    ]);
    expect(await h.server.refreshAhead.runOnce()).toBe(0);
    const listed = async () => ((await h!.api("GET", `/connections?connectionId=${id}`)).json as { connections: { status: string }[] }).connections[0];
    expect(await listed()).toMatchObject({ status: "error" });
    // Only a read used to try again: a rarely read connection stayed out of every later pass.
    await due();
    expect(await h.server.refreshAhead.runOnce()).toBe(1);
    expect(await listed()).toMatchObject({ status: "connected", errors: [] });
  });

  it("webhooks survive a receiver that is down and a server restart: each event arrives once per idempotency id", async () => {
    // Retries every 50-200 ms: without the highest cap (100 tries) a slow run could give an early event up (default 12) before the receiver recovers.
    h = await startHarness({ env: { REFRESH_AHEAD: "off", WEBHOOK_RETRY_BASE_MS: "50", WEBHOOK_RETRY_MAX_MS: "200", WEBHOOK_MAX_ATTEMPTS: "100" } });
    h.webhooks.respondWith(503);
    const id = await connected(h);
    await connectAs(h, "declined@contoso.example");
    await connected(h, "megan@contoso.example");
    await h.api("DELETE", `/connections/${id}`);
    await expect.poll(() => h!.webhooks.refused, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);

    await h.restart();
    h.webhooks.respondWith(200);
    await h.webhooks.waitFor(4);
    const deliveries = WebhookDeliveriesResponseSchema.parse((await h.api("GET", "/webhooks/deliveries")).json).deliveries;
    expect(deliveries).toHaveLength(4);
    await expect
      .poll(async () =>
        WebhookDeliveriesResponseSchema.parse((await h!.api("GET", "/webhooks/deliveries")).json).deliveries.every((d) => d.status === "delivered"),
      )
      .toBe(true);
    const keys = webhookBodies(h).map((b) => b.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(keys)).toEqual(new Set(deliveries.map((d) => d.id)));
    expect(
      webhookBodies(h)
        .map((b) => `${b.operation}:${b.success}`)
        .sort(),
    ).toEqual(["creation:false", "creation:true", "creation:true", "deletion:true"]);
    for (const w of h.webhooks.received) expect(w.headers["x-nango-hmac-sha256"]).toBe(signWebhook(h.webhookSigningKey, w.rawBody));
    const log = WebhookDeliveriesResponseSchema.parse((await h.api("GET", "/webhooks/deliveries")).json).deliveries[0]!;
    expect(log.attempts.at(-1)?.status_code).toBe(200);
    expect(log.attempts.slice(0, -1).every((a) => a.status_code === 503)).toBe(true);
  });

  it("DELETE removes the tokens for good and sends the deletion webhook", async () => {
    h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
    const id = await connected(h);
    expect((await h.api("DELETE", `/connections/${id}`)).json).toEqual({ success: true });
    expect((await getConnection(h, id)).status).toBe(404);
    await h.webhooks.waitFor(2);
    expect(webhookBodies(h)[1]).toMatchObject({ operation: "deletion", success: true, connectionId: id });
  });
});
