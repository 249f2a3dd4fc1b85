import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { countRows } from "../testing/countRows.js";
import { beginSignIn, type Harness, resultOf, signInAs, startForm, startHarness, submitStart, WIDGET_ORIGIN } from "../testing/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
});
afterAll(() => h.close());

const attemptRows = () => countRows(h, "select count(*) as n from oauth_attempts");

/** One popup click in a fresh browser: the start page, then its Continue, without following the answer. */
async function continueOnce(harness: Harness, token: string) {
  const browser = new BrowserClient();
  const startPage = await browser.get(harness.startUrl(token));
  expect(startPage.status).toBe(200);
  return submitStart(browser, startPage, "continue", { follow: false });
}

describe("attempts per connect session are capped", () => {
  it("the 21st Continue of one session shows too_many_attempts and writes no row; an earlier attempt still signs in", async () => {
    const { token } = await h.createSession();
    const before = await attemptRows();
    const first = new BrowserClient();
    const loginPage = await beginSignIn(first, h.startUrl(token));
    expect(loginPage.url).toContain(h.emulator.url);
    for (let i = 2; i <= 20; i++) {
      const toMicrosoft = await continueOnce(h, token);
      expect(toMicrosoft.status, `start ${i}`).toBe(303);
      expect(toMicrosoft.headers.get("location"), `start ${i}`).toContain(h.emulator.url);
    }
    expect((await attemptRows()) - before).toBe(20);

    for (let i = 0; i < 3; i++) {
      const refused = await continueOnce(h, token);
      expect(refused.status).toBe(429);
      expect(refused.body).toContain('data-error-code="too_many_attempts"');
      // The widget that opened the popup learns it at once.
      expect(refused.body).toContain(`postMessage(result, "${WIDGET_ORIGIN}")`);
      expect(resultOf(refused)).toMatchObject({ type: "ads-connect:error", error: { code: "too_many_attempts", actor: "end_user" } });
    }
    expect((await attemptRows()) - before).toBe(20);

    // The cap stops new attempts, not the ones under way.
    const done = await signInAs(first, loginPage, "adele@contoso.example");
    expect(resultOf(done)).toMatchObject({ type: "ads-connect:success" });
  });

  it("opening the start URL over and over writes no attempt rows", async () => {
    const { token } = await h.createSession();
    const before = await attemptRows();
    for (let i = 0; i < 40; i++) {
      const page = await new BrowserClient().get(h.startUrl(token), { follow: false });
      expect(page.status, `open ${i + 1}`).toBe(200);
      expect(startForm(page).proof).not.toBe("");
    }
    expect((await attemptRows()) - before).toBe(0);
    // The session is not used up by the pages: its Continue still reaches Microsoft.
    expect((await continueOnce(h, token)).status).toBe(303);
    expect((await attemptRows()) - before).toBe(1);
  });

  it("MAX_ATTEMPTS_PER_SESSION sets the cap", async () => {
    const small = await startHarness({ env: { REFRESH_AHEAD: "off", MAX_ATTEMPTS_PER_SESSION: "2" } });
    try {
      const { token } = await small.createSession();
      expect((await continueOnce(small, token)).status).toBe(303);
      expect((await continueOnce(small, token)).status).toBe(303);
      const refused = await continueOnce(small, token);
      expect(refused.status).toBe(429);
      expect(refused.body).toContain('data-error-code="too_many_attempts"');
      // Another session of the same end user is not affected.
      const other = await small.createSession();
      expect((await continueOnce(small, other.token)).status).toBe(303);
    } finally {
      await small.close();
    }
  });
});
