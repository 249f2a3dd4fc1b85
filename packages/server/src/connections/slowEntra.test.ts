import { WebhookDeliveriesResponseSchema } from "@ads-connect/shared";
import { afterEach, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { connectAs, type Harness, type HarnessOptions, resultOf, startHarness } from "../testing/harness.js";

// Entra answers later than the server waits for it (ENTRA_TIMEOUT_MS): a temporary failure, never a dead grant.
const TIMEOUT_MS = "1000";

let h: Harness | undefined;
const releases: (() => void)[] = [];
afterEach(async () => {
  for (const release of releases.splice(0)) release();
  await h?.close();
  h = undefined;
});

async function start(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness({ ...options, env: { REFRESH_AHEAD: "off", ENTRA_TIMEOUT_MS: TIMEOUT_MS, ...options.env } });
  return h;
}
async function connected(harness: Harness): Promise<string> {
  const { result } = await connectAs(harness, "adele@contoso.example");
  if (result.type !== "ads-connect:success") throw new Error(`connect failed: ${JSON.stringify(result)}`);
  await harness.webhooks.waitFor(1);
  return result.connection_id;
}
const holdRefresh = (harness: Harness) => {
  const hold = harness.emulator.holdNextTokenResponse("refresh_token");
  releases.push(hold.release);
  return hold;
};
const holdDiscovery = (harness: Harness) => {
  const hold = harness.emulator.holdDiscovery();
  releases.push(hold.release);
  return hold;
};
const read = async (harness: Harness, id: string, query = "") => {
  const res = await harness.api("GET", `/connections/${id}${query}`);
  return { ...res, body: res.json as { credentials?: { access_token: string }; error?: { code: string } } };
};
const listed = async (harness: Harness, id: string) =>
  ((await harness.api("GET", `/connections?connectionId=${id}`)).json as { connections: { status: string; errors: { type: string }[] }[] }).connections[0];
const queuedOperations = async (harness: Harness) =>
  WebhookDeliveriesResponseSchema.parse((await harness.api("GET", "/webhooks/deliveries")).json).deliveries.map((d) => `${d.operation}:${d.success}`);
const logLines = (harness: Harness) =>
  harness.logs
    .flatMap((l) => l.split("\n"))
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
/** Waits until the emulator's token for the connection has expired, so a read must refresh. */
async function staleToken(harness: Harness, id: string): Promise<void> {
  const token = (await read(harness, id)).body.credentials!.access_token;
  await expect.poll(() => harness.emulator.isAccessTokenValid(token), { timeout: 5_000, interval: 100 }).toBe(false);
}
/** Nothing told anyone the connection died: no refresh webhook, no Slack alert, no dead-grant log. */
async function expectNobodyTold(harness: Harness): Promise<void> {
  expect(await queuedOperations(harness)).toEqual(["creation:true"]);
  expect(harness.slack.received).toHaveLength(0);
  expect(logLines(harness).some((l) => l.class === "dead_grant" || l.code === "id_token_invalid")).toBe(false);
}

describe("a token answer held past the server's Entra timeout", () => {
  it("a token read retries it: the read gets a new token and the connection stays connected", async () => {
    const harness = await start();
    const id = await connected(harness);
    const before = (await read(harness, id)).body.credentials!.access_token;
    holdRefresh(harness);

    const res = await read(harness, id, "?force_refresh=true");
    expect(res.status).toBe(200);
    expect(res.body.credentials!.access_token).not.toBe(before);
    expect(harness.emulator.isAccessTokenValid(res.body.credentials!.access_token)).toBe(true);
    expect(await listed(harness, id)).toMatchObject({ status: "connected", errors: [] });
    const retries = logLines(harness).filter((l) => l.msg === "token refresh failed, retrying" && l.connectionId === id);
    expect(retries.map((l) => l.code)).toEqual(["provider_temporarily_unavailable"]);
    await expectNobodyTold(harness);
  });

  it("a token read out of tries answers 503 with Retry-After; the connection is untouched and the next read works", async () => {
    const harness = await start({ emulator: { accessTokenLifetimeSeconds: 1 }, env: { REFRESH_MAX_TRIES: "1", TOKEN_MIN_VALIDITY_SECONDS: "0" } });
    const id = await connected(harness);
    await staleToken(harness, id);
    const hold = holdRefresh(harness);

    const res = await read(harness, id);
    expect(res.status).toBe(503);
    expect(res.body.error?.code).toBe("provider_temporarily_unavailable");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await listed(harness, id)).toMatchObject({ status: "connected", errors: [] });
    await expectNobodyTold(harness);

    hold.release();
    harness.emulator.setAccessTokenLifetimeSeconds(3600);
    const again = await read(harness, id);
    expect(again.status).toBe(200);
    expect(harness.emulator.isAccessTokenValid(again.body.credentials!.access_token)).toBe(true);
  });

  it("the refresh-ahead job leaves the connection as it is and refreshes it on a later pass", async () => {
    const harness = await start({ env: { REFRESH_MAX_TRIES: "1" } });
    const id = await connected(harness);
    // Read just now and about to expire: due for the next pass.
    const due = () =>
      harness.server.db
        .updateTable("connections")
        .set({ access_token_expires_at: Date.now() + 1000, last_fetched_at: Date.now() })
        .where("connection_id", "=", id)
        .execute();
    await due();
    const hold = holdRefresh(harness);

    expect(await harness.server.refreshAhead.runOnce()).toBe(0);
    expect(await listed(harness, id)).toMatchObject({ status: "connected", errors: [] });
    const skipped = logLines(harness).filter((l) => l.msg === "refresh-ahead could not refresh a connection");
    expect(skipped).toEqual([expect.objectContaining({ connectionId: id, code: "provider_temporarily_unavailable" })]);
    await expectNobodyTold(harness);

    hold.release();
    await due();
    expect(await harness.server.refreshAhead.runOnce()).toBe(1);
    expect(await listed(harness, id)).toMatchObject({ status: "connected", errors: [] });
  });
});

describe("a discovery answer held past the server's Entra timeout", () => {
  it("a token read that needs Microsoft answers 503 with Retry-After; the connection is untouched", async () => {
    const harness = await start({ emulator: { accessTokenLifetimeSeconds: 1 }, env: { REFRESH_MAX_TRIES: "1", TOKEN_MIN_VALIDITY_SECONDS: "0" } });
    const id = await connected(harness);
    await staleToken(harness, id);
    // A new process has nothing discovered yet; Entra is slow from now on.
    const hold = holdDiscovery(harness);
    await harness.restart();

    const res = await read(harness, id);
    expect(res.status).toBe(503);
    expect(res.body.error?.code).toBe("provider_temporarily_unavailable");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await listed(harness, id)).toMatchObject({ status: "connected", errors: [] });
    await expectNobodyTold(harness);

    hold.release();
    harness.emulator.setAccessTokenLifetimeSeconds(3600);
    expect((await read(harness, id)).status).toBe(200);
  });

  it("the popup shows a temporary problem (503 with Retry-After), and session creation goes ahead", async () => {
    const harness = await start();
    const hold = holdDiscovery(harness);
    // A tenant this process has not discovered yet.
    const session = await harness.api("POST", "/connect/sessions", {
      end_user: { id: "end-user-1" },
      integrations_config_defaults: { "microsoft-ads": { connection_config: { tenant: "fabrikam.example" } } },
    });
    expect(session.status).toBe(201);
    const checked = logLines(harness).filter((l) => l.msg === "could not check the session's tenant with Microsoft Entra; the popup will report it");
    expect(checked.map((l) => l.code)).toEqual(["provider_temporarily_unavailable"]);

    const token = (session.json as { data: { token: string } }).data.token;
    const page = await new BrowserClient().get(harness.startUrl(token));
    expect(page.status).toBe(503);
    expect(Number(page.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(resultOf(page)).toMatchObject({ type: "ads-connect:error", error: { code: "provider_temporarily_unavailable", actor: "none" } });

    hold.release();
    const retried = await new BrowserClient().get(harness.startUrl(token));
    expect(retried.status).toBe(200);
  });
});
