import { Nango } from "@nangohq/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { beginSignIn, connectAs, type Harness, signInAs, startHarness } from "../testing/harness.js";

let h: Harness;
let nango: Nango;

beforeAll(async () => {
  h = await startHarness();
  nango = new Nango({ host: h.server.url, secretKey: h.secretKey, webhookSigningKey: h.webhookSigningKey });
});
afterAll(() => h.close());

describe("the unmodified @nangohq/node client against ads-connect", () => {
  it("creates a session, lists, gets, gets a token, deletes, and verifies the webhooks", async () => {
    const session = await nango.createConnectSession({
      end_user: { id: "nango-user", email: "nango@product.example", display_name: "Nango User" },
      organization: { id: "org-1", display_name: "Org One" },
      allowed_integrations: ["microsoft-ads"],
    });
    expect(session.data.token).toMatch(/^adsc_cs_/);
    expect(Date.parse(session.data.expires_at)).toBeGreaterThan(Date.now());

    const browser = new BrowserClient();
    const login = await beginSignIn(browser, h.startUrl(session.data.token));
    await signInAs(browser, login, "adele@contoso.example");

    const { connections } = await nango.listConnections({ userId: "nango-user" });
    expect(connections).toHaveLength(1);
    const listed = connections[0]!;
    expect(listed).toMatchObject({
      provider_config_key: "microsoft-ads",
      provider: "microsoft-ads",
      end_user: { id: "nango-user", organization: { id: "org-1" } },
    });

    const full = await nango.getConnection("microsoft-ads", listed.connection_id);
    expect(full.connection_id).toBe(listed.connection_id);
    expect(full.credentials).toMatchObject({ type: "OAUTH2" });
    const token = await nango.getToken("microsoft-ads", listed.connection_id);
    expect(typeof token).toBe("string");
    expect(h.emulator.isAccessTokenValid(token as string)).toBe(true);

    const forced = await nango.getToken("microsoft-ads", listed.connection_id, true);
    expect(forced).not.toBe(token);
    expect(h.emulator.isAccessTokenValid(forced as string)).toBe(true);

    const deleted = await nango.deleteConnection("microsoft-ads", listed.connection_id);
    expect(deleted.status).toBe(200);
    expect((await nango.listConnections({ userId: "nango-user" })).connections).toHaveLength(0);

    const hooks = await h.webhooks.waitFor(2);
    const operations = hooks.map((hook) => {
      expect(nango.verifyIncomingWebhookRequest(hook.rawBody, hook.headers as Record<string, unknown>)).toBe(true);
      return (JSON.parse(hook.rawBody) as { operation: string }).operation;
    });
    expect(operations).toEqual(["creation", "deletion"]);
    const tampered = hooks[0]!.rawBody.replace("creation", "override");
    expect(nango.verifyIncomingWebhookRequest(tampered, hooks[0]!.headers as Record<string, unknown>)).toBe(false);
  });

  it("creates a reconnect session for an existing connection", async () => {
    const { result } = await connectAs(h, "megan@contoso.example");
    if (result.type !== "ads-connect:success") throw new Error("connect failed");
    const reconnect = await nango.createReconnectSession({ connection_id: result.connection_id, integration_id: "microsoft-ads" });
    expect(reconnect.data.token).toMatch(/^adsc_cs_/);
  });

  it("surfaces a wrong secret key as a 401 with a typed error", async () => {
    const wrong = new Nango({ host: h.server.url, secretKey: "not-the-secret-key-not-the-secret-key" });
    await expect(wrong.listConnections()).rejects.toMatchObject({ response: { status: 401, data: { error: { code: "unauthorized" } } } });
  });
});

describe("GET /connections?search=", () => {
  it("matches ignoring case, on SQLite and on PostgreSQL alike", async () => {
    await connectAs(h, "megan@contoso.example", { token: (await h.createSession({ end_user: { id: "Search-User-7" } })).token });
    for (const search of ["MEGAN@CONTOSO", "megan@contoso", "search-user-7"]) {
      const res = await h.api("GET", `/connections?search=${encodeURIComponent(search)}`);
      expect(
        (res.json as { connections: { end_user: { id: string } }[] }).connections.map((c) => c.end_user.id),
        search,
      ).toContain("Search-User-7");
    }
  });
});
