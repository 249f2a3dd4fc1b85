import { describe, expect, it } from "vitest";
import { connectAs, startHarness } from "./testing/harness.js";
import { redactUrl } from "./logger.js";

describe("logs", () => {
  it("redact secret query parameters from URLs", () => {
    expect(redactUrl("/oauth/callback?code=abc&state=def&x=1")).toBe("/oauth/callback?code=%5BREDACTED%5D&state=%5BREDACTED%5D&x=1");
    expect(redactUrl("/health")).toBe("/health");
  });

  it("of a whole flow never contain a token, code, secret or session token", async () => {
    const h = await startHarness();
    try {
      const { browser, token, result, page } = await connectAs(h, "adele@contoso.example");
      if (result.type !== "ads-connect:success") throw new Error("connect failed");
      const connection = (await h.api("GET", `/connections/${result.connection_id}?refresh_token=true`)).json as {
        credentials: { access_token: string; refresh_token: string };
      };
      await h.api("GET", `/connections/${result.connection_id}?force_refresh=true`);
      await h.api("GET", "/connections", undefined, { authorization: "Bearer wrong-secret-key-wrong-secret-key" });
      await connectAs(h, "declined@contoso.example");
      await h.webhooks.waitFor(2);
      await h.server.services.outbox.stop();

      const callback = new URL(page.url);
      const cookies = (await browser.jar.getCookies(page.url)).map((c) => c.value);
      const secrets = {
        sessionToken: token,
        code: callback.searchParams.get("code")!,
        state: callback.searchParams.get("state")!,
        accessToken: connection.credentials.access_token,
        refreshToken: connection.credentials.refresh_token,
        secretKey: h.secretKey,
        webhookSigningKey: h.webhookSigningKey,
        clientSecret: h.server.config.microsoft.clientSecret,
        ...Object.fromEntries(cookies.map((c, i) => [`cookie${i}`, c])),
      };
      const logs = h.logs.join("");
      expect(h.logs.length).toBeGreaterThan(10);
      expect(logs).toContain("/oauth/callback");
      for (const [name, value] of Object.entries(secrets)) {
        expect(value, name).toBeTruthy();
        expect(logs.includes(value), `${name} appears in the logs`).toBe(false);
      }
    } finally {
      await h.close();
    }
  });
});
