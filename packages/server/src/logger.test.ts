import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, redactUrl } from "./logger.js";
import { connectAs, startHarness } from "./testing/harness.js";

/** A logger writing to memory, as the server's does in tests. */
function capture() {
  const lines: string[] = [];
  const logger = createLogger(
    "debug",
    new Writable({
      write: (chunk: Buffer, _enc, done) => {
        lines.push(chunk.toString("utf8"));
        done();
      },
    }),
  );
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("logs", () => {
  it("redact secret query parameters from URLs", () => {
    expect(redactUrl("/oauth/callback?code=abc&state=def&x=1")).toBe("/oauth/callback?code=%5BREDACTED%5D&state=%5BREDACTED%5D&x=1");
    expect(redactUrl("/health")).toBe("/health");
  });

  it("keep an error's code (SQLITE_BUSY, ECONNREFUSED) but not an OAuth code", () => {
    const { logger, parsed, lines } = capture();
    logger.error({ err: Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" }) }, "write failed");
    logger.warn({ connectionId: "c-1", code: "provider_temporarily_unavailable", cause: { code: "ECONNREFUSED" } }, "refresh failed");
    logger.info({ query: { code: "oauth-code-123", state: "state-456" }, url: "https://ads.example/oauth/callback?code=oauth-code-789&state=s" }, "callback");
    logger.child({ request: { url: "/oauth/callback?code=oauth-code-abc" } }).info("child");
    const [busy, refresh, callback, child] = parsed();
    expect(busy!.err).toMatchObject({ code: "SQLITE_BUSY", message: "database is locked" });
    expect(refresh).toMatchObject({ code: "provider_temporarily_unavailable", cause: { code: "ECONNREFUSED" } });
    expect(callback!.url).toBe("https://ads.example/oauth/callback?code=%5BREDACTED%5D&state=%5BREDACTED%5D");
    expect(child).toBeDefined();
    for (const secret of ["oauth-code-123", "state-456", "oauth-code-789", "oauth-code-abc"]) expect(lines.join("")).not.toContain(secret);
  });

  it("never carry Microsoft's error_description or personal fields, wherever they are put", () => {
    const { logger, lines } = capture();
    const description = "AADSTS50020: User account 'ada@fabrikam.example' from identity provider 'live.com' does not exist in tenant 'Contoso'.";
    logger.warn({ requestId: "r-1", error: "access_denied", error_description: description }, "admin consent not granted");
    logger.warn({ requestId: "r-2", description }, "admin consent not granted");
    logger.info(
      {
        account: { username: "ada@fabrikam.example", display_name: "Ada Lovelace", email: "ada@fabrikam.example" },
        endUser: { endUserId: "eu-77", endUserEmail: "ada@fabrikam.example" },
      },
      "connected",
    );
    logger.info({ end_user_id: "eu-77", preferred_username: "ada@fabrikam.example", displayName: "Ada Lovelace" }, "x");
    logger.info({ url: `/oauth/callback?error=access_denied&error_description=${encodeURIComponent(description)}&state=s` }, "callback");
    logger.error({ err: new Error(description) }, "sign-in failed");
    // As pino-http hands errors over: already a plain object, with stack and every property.
    logger.error(
      {
        err: {
          type: "ResponseBodyError",
          message: "server responded with an error",
          stack: "at ada@fabrikam.example",
          error_description: description,
          cause: { body: description },
        },
      },
      "failed",
    );
    logger.child({ username: "ada@fabrikam.example" }).info("child");
    logger.info(`free text about ada@fabrikam.example`);
    const all = lines.join("");
    expect(lines).toHaveLength(9);
    for (const personal of ["ada@fabrikam.example", "Ada Lovelace", "eu-77", "does not exist in tenant", "live.com"]) expect(all).not.toContain(personal);
    expect(all).toContain("AADSTS50020");
    expect(all).toContain("r-1");
    expect(all).not.toContain("stack");
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

  it("and alerts of a whole flow with failures carry ids, codes and AADSTS numbers, never emails, names, end-user ids or Microsoft's descriptions", async () => {
    const h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
    try {
      const endUser = { id: "eu-privacy-7781", email: "olivia.owner@product.example", display_name: "Olivia Owner" };
      const session = (defaults?: Record<string, unknown>) =>
        h.createSession({ end_user: endUser, ...(defaults ? { integrations_config_defaults: { "microsoft-ads": defaults } } : {}) });

      // A normal sign-in and a refresh.
      const ok = await connectAs(h, "adele@contoso.example", { token: (await session()).token });
      if (ok.result.type !== "ads-connect:success") throw new Error("connect failed");
      expect((await h.api("GET", `/connections/${ok.result.connection_id}?force_refresh=true`)).status).toBe(200);
      // A declined consent (AADSTS65004).
      const declined = await connectAs(h, "declined@contoso.example", { token: (await session()).token });
      expect(declined.result).toMatchObject({ type: "ads-connect:error", error: { aadsts: 65004 } });
      // A personal account on /organizations: AADSTS50020, whose description names the account.
      const guest = await connectAs(h, "alex@outlook.example", { token: (await session({ connection_config: { tenant: "organizations" } })).token });
      expect(guest.result).toMatchObject({ type: "ads-connect:error", error: { aadsts: 50020 } });
      expect(new URL(guest.page.url).searchParams.get("error_description")).toContain("alex@outlook.example");
      // A sign-in that works, then a refresh Microsoft refuses as revoked: an alert to Slack.
      const revoked = await connectAs(h, "revoked@contoso.example", { token: (await session()).token });
      if (revoked.result.type !== "ads-connect:success") throw new Error("connect failed");
      const revokedId = revoked.result.connection_id;
      expect((await h.api("GET", `/connections/${revokedId}?force_refresh=true`)).status).toBe(424);
      await h.slack.waitFor(1);
      await h.webhooks.waitFor(3);
      await h.server.services.outbox.stop();

      const users = h.emulator.users.filter((u) =>
        ["adele@contoso.example", "declined@contoso.example", "alex@outlook.example", "revoked@contoso.example"].includes(u.username),
      );
      const personal = [
        endUser.id,
        endUser.email,
        endUser.display_name,
        ...users.flatMap((u) => [u.username, u.displayName]),
        // Microsoft's descriptions (their words, not just the number)
        "does not exist in tenant",
        "User declined to consent",
        "Trace ID",
        "Correlation ID",
      ];
      const logs = h.logs.join("");
      const alerts = h.slack.received.map((r) => r.rawBody).join("\n");
      expect(users).toHaveLength(4);
      for (const value of personal) {
        expect(logs.includes(value), `${value} appears in the logs`).toBe(false);
        expect(alerts.includes(value), `${value} appears in an alert`).toBe(false);
      }
      expect(logs).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.-]+/);
      // What is left is enough to act on: connection ids, our codes and Microsoft's numbers.
      expect(alerts).toContain(revokedId);
      expect(logs).toContain(revokedId);
      expect(logs).toContain("AADSTS50020");
      expect(logs).toContain("account_not_allowed");
      expect(logs).toContain("AADSTS65004");
    } finally {
      await h.close();
    }
  });
});
