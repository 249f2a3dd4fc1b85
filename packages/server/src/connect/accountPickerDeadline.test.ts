import { AdsConnectClient } from "@ads-connect/node";
import { type AuthWebhookBody, AuthWebhookBodySchema } from "@ads-connect/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { beginSignIn, type Harness, pickerForm, signInAs, startHarness, submitPicker } from "../testing/harness.js";

let h: Harness;
let client: AdsConnectClient;

beforeAll(async () => {
  h = await startHarness({ env: { ACCOUNT_PICKER_TTL_SECONDS: "2" } });
  client = new AdsConnectClient({ host: h.server.url, secretKey: h.secretKey, webhookSigningKey: h.webhookSigningKey });
});
afterAll(() => h.close());

function authHooksOf(endUserId: string): AuthWebhookBody[] {
  return h.webhooks.received
    .map((w) => client.verifyWebhook(w.rawBody, w.headers))
    .filter((b): b is AuthWebhookBody => b?.type === "auth" && AuthWebhookBodySchema.safeParse(b).success && b.endUser?.endUserId === endUserId);
}

describe("an abandoned account picker", () => {
  it("the held creation webhook goes out once at the deadline, without a selection; the session reports the success; a late choice is refused", async () => {
    const browser = new BrowserClient();
    const { token } = await h.createSession({ end_user: { id: "abandoner" } });
    const page = await signInAs(browser, await beginSignIn(browser, h.startUrl(token)), "three@contoso.example");
    const form = pickerForm(page);
    expect(form).not.toBeNull();
    // Held while the person chooses.
    expect(authHooksOf("abandoner")).toHaveLength(0);
    const held = await h.server.db
      .selectFrom("webhook_outbox")
      .select(["next_attempt_at", "delivered_at"])
      .where("body", "like", '%"type":"auth"%"endUserId":"abandoner"%')
      .execute();
    expect(held).toHaveLength(1);
    expect(held[0]!.delivered_at).toBeNull();
    expect(held[0]!.next_attempt_at).toBeGreaterThan(Date.now());

    await expect.poll(() => authHooksOf("abandoner"), { timeout: 15_000, interval: 200 }).toHaveLength(1);
    const [hook] = authHooksOf("abandoner");
    expect(hook).toMatchObject({ operation: "creation", success: true, accountSelection: "not_chosen", selectedAccounts: [] });

    const status = await fetch(`${h.server.url}/connect/session/status`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await status.json()) as { data: unknown }).data).toMatchObject({ status: "success", result: { type: "ads-connect:success", accounts: [] } });

    const late = await submitPicker(browser, page, [form!.accountIds[0]!]);
    expect(late.status).toBe(400);
    expect(late.body).toContain('data-error-code="attempt_expired"');
    expect((await client.getConnection(hook!.connectionId)).selected_account_ids).toBeNull();
    const events = await h.server.db.selectFrom("webhook_outbox").select("id").where("body", "like", '%"type":"auth"%"endUserId":"abandoner"%').execute();
    expect(events).toHaveLength(1);
  });

  it("a connection deleted while its picker is open: only its deletion webhook goes out, never the held creation", async () => {
    const browser = new BrowserClient();
    const { token } = await h.createSession({ end_user: { id: "deleter" } });
    const page = await signInAs(browser, await beginSignIn(browser, h.startUrl(token)), "three@contoso.example");
    expect(pickerForm(page)).not.toBeNull();
    const { connections } = await client.listConnections({ endUserId: "deleter" });
    expect(connections).toHaveLength(1);
    await client.deleteConnection(connections[0]!.connection_id);

    await expect.poll(() => authHooksOf("deleter"), { timeout: 15_000, interval: 200 }).toHaveLength(1);
    expect(authHooksOf("deleter")[0]).toMatchObject({ operation: "deletion" });
    // The held creation is given up, so the dispatcher never picks it at its deadline; never sent,
    // it keeps a stub without the end user (nor can it be retried).
    const connectionId = connections[0]!.connection_id;
    const creation = await h.server.db
      .selectFrom("webhook_outbox")
      .select(["id", "body", "delivered_at", "gave_up_at", "last_error"])
      .where("body", "like", `%"operation":"creation"%"connectionId":"${connectionId}"%`)
      .execute();
    expect(creation).toEqual([
      {
        id: expect.any(String),
        body: expect.any(String),
        delivered_at: null,
        gave_up_at: expect.any(Number),
        last_error: "the connection was deleted before its accounts were chosen",
      },
    ]);
    const { id, body } = creation[0]!;
    expect(JSON.parse(body)).toEqual({ type: "auth", operation: "creation", success: true, connectionId, idempotencyKey: id, cancelled: true });
    expect(await h.server.services.outbox.retryNow(id)).toBe(false);
    const listed = (await h.server.services.outbox.deliveries({ limit: 10, connectionId })).find((d) => d.id === id);
    expect(listed).toMatchObject({ type: "auth", operation: "creation", success: true, connection_id: connectionId, status: "failed" });
  });
});
