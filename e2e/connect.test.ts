import type { BrowserContext } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clickForPopup, connectedText, type DemoFixture, openDemo, resetConnections, setPageFocus, signInAs, startDemoFixture, Widget } from "./demoStack.js";

let f: DemoFixture;
let context: BrowserContext | undefined;
beforeAll(async () => {
  f = await startDemoFixture();
});
afterAll(() => f.close());
beforeEach(() => resetConnections(f));
afterEach(async () => {
  await context?.close();
  context = undefined;
  f.stack.emulator?.setLoginPageCoop(false);
});

const open = async (colorScheme?: "light" | "dark") => {
  const demo = await openDemo(f, colorScheme ? { colorScheme } : {});
  context = demo.context;
  return demo;
};

describe("the demo in Chromium", () => {
  it("connects: click, sign in, the popup closes, Connected with the account name, listed by the backend", async () => {
    const { page, widget } = await open();
    expect(await widget.button().innerText()).toContain("Connect Microsoft Ads");
    const popup = await clickForPopup(page, widget.button());
    await expect.poll(() => widget.state()).toBe("connecting");
    const closed = popup.waitForEvent("close");
    await signInAs(popup, "adele@contoso.example");
    await closed;
    await expect.poll(() => widget.state()).toBe("connected");
    expect(await widget.status()).toBe(connectedText(f, "adele@contoso.example"));
    await expect.poll(() => page.getByTestId("connections").innerText()).toContain("adele@contoso.example");
    expect(await page.locator("main").getAttribute("data-success-count")).toBe("1");
    expect((await f.connections()).map((c) => c.account.username)).toEqual(["adele@contoso.example"]);
  });

  it("the popup looks closed while it holds the focus (COOP, or the user away): the widget waits with Cancel; Cancel makes it idle, nothing stored", async () => {
    const { page, widget } = await open();
    await setPageFocus(page, false);
    const popup = await clickForPopup(page, widget.button());
    await popup.getByTestId("user-adele@contoso.example").waitFor();
    await popup.close();
    await expect.poll(() => widget.state()).toBe("waiting");
    expect(await widget.button().innerText()).toContain("Cancel");
    await widget.button().click();
    await expect.poll(() => widget.state()).toBe("idle");
    expect(await widget.status()).toContain("Cancelled");
    expect(await f.connections()).toEqual([]);
  });

  it("the user closes the popup before it reached the server: closed on its own, nothing stored", async () => {
    const { page, widget } = await open();
    let releaseStart!: () => void;
    const held = new Promise<void>((resolve) => (releaseStart = resolve));
    await context!.route(`${f.stack.server.url}/oauth/connect/**`, async (route) => {
      await held;
      await route.abort();
    });
    const popup = await clickForPopup(page, widget.button());
    await popup.close();
    releaseStart();
    await expect.poll(() => widget.state(), { timeout: 15_000 }).toBe("closed");
    expect(await widget.status()).toBe("Sign-in window closed.");
    expect(await f.connections()).toEqual([]);
  });

  it.each([
    ["declined@contoso.example", "consent_declined", /declined/i],
    ["needs-admin@fabrikam.example", "admin_consent_required", /administrator/i],
  ])("%s: the widget shows its own message and offers to try again", async (username, code, message) => {
    const { page, widget } = await open();
    const popup = await clickForPopup(page, widget.button());
    const closed = popup.waitForEvent("close");
    await signInAs(popup, username);
    await closed;
    await expect.poll(() => widget.state()).toBe("error");
    expect(await widget.errorCode()).toBe(code);
    expect(await widget.status()).toMatch(message);
    expect(await widget.button().innerText()).toContain("Try again");
    expect(await f.connections()).toEqual([]);
  });

  // A blocked popup goes to redirect mode: widget.test.ts.

  it("the opener link cut by Cross-Origin-Opener-Policy: the widget still learns the result by polling", async () => {
    f.stack.emulator!.setLoginPageCoop(true);
    const { page, widget } = await open();
    const popup = await clickForPopup(page, widget.button());
    await signInAs(popup, "megan@contoso.example");
    await expect.poll(() => widget.state(), { timeout: 15_000 }).toBe("connected");
    expect(await widget.status()).toBe(connectedText(f, "megan@contoso.example"));
    expect(await page.locator("main").getAttribute("data-success-count")).toBe("1");
    if (!popup.isClosed()) await popup.close();
  });

  it("messages from another origin or another window are ignored, even well-formed", async () => {
    const { page, widget } = await open();
    const popup = await clickForPopup(page, widget.button());
    await popup.getByTestId("user-adele@contoso.example").waitFor();
    const forged = {
      type: "ads-connect:success",
      connection_id: "forged",
      provider_config_key: "microsoft-ads",
      operation: "creation",
      account: { username: "evil@example.com", display_name: "Evil", tenant_id: "t", account_type: "work" },
      accounts: [],
    };
    // From the page's own origin and window.
    await page.evaluate((data) => window.postMessage(data, "*"), forged);
    // From the server's origin but another window: a second sign-in, opened by the page itself, whose result page posts to its opener.
    const other = await f.stack.server.url;
    const session = await page.evaluate(() =>
      fetch("/api/connect-session", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }).then(
        (r) => r.json() as Promise<{ token: string }>,
      ),
    );
    const stray = `${other}/oauth/connect/microsoft-ads?${new URLSearchParams({ connect_session_token: session.token, origin: new URL(page.url()).origin })}`;
    const [strayWindow] = await Promise.all([page.waitForEvent("popup"), page.evaluate((url) => void window.open(url, "stray"), stray)]);
    const strayClosed = strayWindow.waitForEvent("close");
    // The widget does not answer another window's handshake: the stray window asks its user instead.
    await strayWindow.locator('main[data-connect-start="confirm"]').waitFor();
    await strayWindow.getByRole("button", { name: "Continue" }).click();
    await signInAs(strayWindow, "megan@contoso.example");
    await strayClosed;
    expect(await widget.state()).toBe("connecting");
    expect(await page.locator("main").getAttribute("data-success-count")).toBe("0");
    // The real popup's result is taken.
    await signInAs(popup, "adele@contoso.example");
    await expect.poll(() => widget.state()).toBe("connected");
    expect(await widget.status()).toBe(connectedText(f, "adele@contoso.example"));
  });

  it("the popup goes to Microsoft through the handshake with the widget, without asking the user", async () => {
    const { page, widget } = await open();
    const popup = await clickForPopup(page, widget.button());
    const continued = popup.waitForRequest((r) => r.method() === "POST" && new URL(r.url()).pathname.endsWith("/oauth/connect/microsoft-ads/continue"));
    await popup.getByTestId("user-adele@contoso.example").waitFor();
    expect((await continued).postData()).toMatch(/^proof=[A-Za-z0-9_-]+$/);
    await signInAs(popup, "adele@contoso.example");
    await expect.poll(() => widget.state()).toBe("connected");
  });

  it("a connect link opened on its own names the end user and waits for Continue; then it connects", async () => {
    const { page } = await open();
    const session = await page.evaluate(() =>
      fetch("/api/connect-session", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }).then(
        (r) => r.json() as Promise<{ token: string }>,
      ),
    );
    const link = `${f.stack.server.url}/oauth/connect/microsoft-ads?${new URLSearchParams({ connect_session_token: session.token })}`;
    const authorizeRequestsBefore = f.stack.emulator!.stats.authorizeRequests;
    const other = await context!.newPage();
    await other.goto(link);
    await other.locator('main[data-connect-start="confirm"]').waitFor();
    expect(await other.locator("main").innerText()).toContain(
      "This app wants to connect your Microsoft Advertising account for Demo user (demo@acme.example).",
    );
    expect(f.stack.emulator!.stats.authorizeRequests).toBe(authorizeRequestsBefore);
    await other.getByRole("button", { name: "Continue" }).click();
    await signInAs(other, "adele@contoso.example");
    await other.locator('main[data-result="success"]').waitFor();
    expect((await f.connections()).map((c) => c.account.username)).toEqual(["adele@contoso.example"]);
  });

  it("the opener link cut before the start page (COOP on the product page): the popup asks for Continue, the widget learns the result by polling", async () => {
    await context?.close();
    context = await f.browser.newContext({ viewport: { width: 900, height: 700 } });
    const page = await context.newPage();
    await page.goto(`${f.stack.demo.url}/?coop=same-origin`);
    const widget = new Widget(page.getByTestId("connect").locator("[data-adsc-state]"));
    await expect.poll(() => widget.state()).toBe("idle");
    // The popup, cut off from the start, holds the focus (Playwright would say the page has it).
    await setPageFocus(page, false);
    const [popup] = await Promise.all([context.waitForEvent("page"), widget.button().click()]);
    await popup.locator('main[data-handshake="confirm"]').waitFor();
    await expect.poll(() => widget.state()).toBe("waiting");
    await popup.getByRole("button", { name: "Continue" }).click();
    await signInAs(popup, "megan@contoso.example");
    await expect.poll(() => widget.state(), { timeout: 15_000 }).toBe("connected");
    expect(await widget.status()).toBe(connectedText(f, "megan@contoso.example"));
  });

  it("reconnect of an existing connection updates it instead of adding one", async () => {
    const { page, widget } = await open();
    const first = await clickForPopup(page, widget.button());
    await signInAs(first, "adele@contoso.example");
    await expect.poll(() => widget.state()).toBe("connected");
    const [before] = await f.connections();
    const row = page.locator(`[data-connection-id="${before!.connection_id}"]`);
    await row.waitFor();
    const again = await clickForPopup(page, row.getByRole("button", { name: "Reconnect" }));
    await signInAs(again, "adele@contoso.example");
    await expect.poll(() => page.locator("main").getAttribute("data-success-count")).toBe("2");
    const after = await f.connections();
    expect(after.map((c) => c.connection_id)).toEqual([before!.connection_id]);
    expect(await page.locator("[data-connection-id]").count()).toBe(1);
  });

  it("a second click while the popup is open focuses it, and onSuccess fires once", async () => {
    const { page, widget } = await open();
    let popups = 0;
    context!.on("page", () => popups++);
    const popup = await clickForPopup(page, widget.button());
    await popup.getByTestId("user-adele@contoso.example").waitFor();
    await widget.button().click();
    await widget.button().click();
    expect(popups).toBe(1);
    await signInAs(popup, "adele@contoso.example");
    await expect.poll(() => widget.state()).toBe("connected");
    expect(await page.locator("main").getAttribute("data-success-count")).toBe("1");
    expect(popups).toBe(1);
  });
});
