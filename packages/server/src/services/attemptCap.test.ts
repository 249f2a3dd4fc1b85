import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { resultOf, signInAs, startHarness, WIDGET_ORIGIN, type Harness } from "../testing/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
});
afterAll(() => h.close());

function attemptRows(): number {
  const file = new Database(h.server.config.databaseFile, { readonly: true });
  try {
    return (file.prepare("select count(*) as n from oauth_attempts").get() as { n: number }).n;
  } finally {
    file.close();
  }
}

describe("attempts per connect session are capped", () => {
  it("the 21st start of one session shows too_many_attempts and writes no row; an earlier attempt still signs in", async () => {
    const { token } = await h.createSession();
    const before = attemptRows();
    const first = new BrowserClient();
    const loginPage = await first.get(h.startUrl(token));
    expect(loginPage.url).toContain(h.emulator.url);
    for (let i = 2; i <= 20; i++) {
      const page = await new BrowserClient().get(h.startUrl(token), { follow: false });
      expect(page.status, `start ${i}`).toBe(302);
    }
    expect(attemptRows() - before).toBe(20);

    for (let i = 0; i < 3; i++) {
      const refused = await new BrowserClient().get(h.startUrl(token), { follow: false });
      expect(refused.status).toBe(429);
      expect(refused.body).toContain('data-error-code="too_many_attempts"');
      // The widget that opened the popup learns it at once.
      expect(refused.body).toContain(`postMessage(result, "${WIDGET_ORIGIN}")`);
      expect(resultOf(refused)).toMatchObject({ type: "ads-connect:error", error: { code: "too_many_attempts", actor: "end_user" } });
    }
    expect(attemptRows() - before).toBe(20);

    // The cap stops new attempts, not the ones under way.
    const done = await signInAs(first, loginPage, "adele@contoso.example");
    expect(resultOf(done)).toMatchObject({ type: "ads-connect:success" });
  });

  it("MAX_ATTEMPTS_PER_SESSION sets the cap", async () => {
    const small = await startHarness({ env: { REFRESH_AHEAD: "off", MAX_ATTEMPTS_PER_SESSION: "2" } });
    try {
      const { token } = await small.createSession();
      expect((await new BrowserClient().get(small.startUrl(token), { follow: false })).status).toBe(302);
      expect((await new BrowserClient().get(small.startUrl(token), { follow: false })).status).toBe(302);
      const refused = await new BrowserClient().get(small.startUrl(token), { follow: false });
      expect(refused.status).toBe(429);
      expect(refused.body).toContain('data-error-code="too_many_attempts"');
      // Another session of the same end user is not affected.
      const other = await small.createSession();
      expect((await new BrowserClient().get(small.startUrl(other.token), { follow: false })).status).toBe(302);
    } finally {
      await small.close();
    }
  });
});
