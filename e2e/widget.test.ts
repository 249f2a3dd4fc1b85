import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { axeViolations } from "./axe.js";
import { clickForPopup, connectedText, type DemoFixture, openDemo, resetConnections, setPageFocus, signInAs, startDemoFixture, Widget } from "./demoStack.js";

// The widget's runtime in Chromium: a closed popup, COOP, redirect mode, the custom element from
// the server's /widget.js on a plain HTML page, and axe over every state. One stack, one browser.
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

const open = async (colorScheme: "light" | "dark" = "light") => {
  const demo = await openDemo(f, { colorScheme });
  context = demo.context;
  return demo;
};

/** Every text the widget's live region (role=status) takes, in order, recorded from now on. */
const recordAnnouncements = (page: Page, root: string) =>
  page.evaluate((selector) => {
    const status = document.querySelector(selector)!.querySelector('[role="status"]')!;
    const seen: string[] = [];
    (window as unknown as { announced: string[] }).announced = seen;
    new MutationObserver(() => {
      if (status.textContent && status.textContent !== seen.at(-1)) seen.push(status.textContent);
      else if (status.textContent) seen.push(`again: ${status.textContent}`);
    }).observe(status, { childList: true, characterData: true, subtree: true });
  }, root);
const announced = (page: Page) => page.evaluate(() => (window as unknown as { announced: string[] }).announced);

describe("a closed popup", () => {
  it("resolves to 'Sign-in window closed — Try again' within 3 s of the page having the focus; focus on the button; each state announced once", async () => {
    const { page, widget } = await open();
    await recordAnnouncements(page, '[data-testid="connect"]');
    const popup = await clickForPopup(page, widget.button());
    await popup.getByTestId("user-adele@contoso.example").waitFor();
    const closedAt = Date.now();
    await popup.close();
    await expect.poll(() => widget.state(), { timeout: 3000, interval: 50 }).toBe("closed");
    expect(Date.now() - closedAt).toBeLessThan(3000);
    expect(await widget.status()).toBe("Sign-in window closed.");
    expect(await widget.button().innerText()).toContain("Try again");
    expect(await widget.button().evaluate((b) => b === document.activeElement)).toBe(true);
    expect(await announced(page)).toEqual([
      "Sign in with Microsoft in the window that opened.",
      "Waiting for Microsoft sign-in to finish…",
      "Sign-in window closed.",
    ]);
    expect(await f.connections()).toEqual([]);
  });

  it("cut off by COOP while the popup holds the focus: keeps polling the session status and takes the result", async () => {
    f.stack.emulator!.setLoginPageCoop(true);
    const { page, widget } = await open();
    await setPageFocus(page, false);
    let polls = 0;
    page.on("request", (r) => void (r.url().endsWith("/connect/session/status") && polls++));
    const popup = await clickForPopup(page, widget.button());
    await expect.poll(() => widget.state(), { timeout: 10_000 }).toBe("waiting");
    const pollsAtWaiting = polls;
    // Four more polls (about four seconds) later it still waits, with Cancel.
    await expect.poll(() => polls - pollsAtWaiting, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    expect(await widget.state()).toBe("waiting");
    expect(await widget.button().innerText()).toContain("Cancel");
    await signInAs(popup, "megan@contoso.example");
    await expect.poll(() => widget.state(), { timeout: 15_000 }).toBe("connected");
    expect(await widget.status()).toBe(connectedText(f, "megan@contoso.example"));
    expect(await page.locator("main").getAttribute("data-success-count")).toBe("1");
  });

  it("closed while COOP had cut it off but the page has the focus: a late success still counts, once", async () => {
    f.stack.emulator!.setLoginPageCoop(true);
    const { page, widget } = await open();
    const popup = await clickForPopup(page, widget.button());
    await expect.poll(() => widget.state(), { timeout: 10_000 }).toBe("closed");
    await signInAs(popup, "adele@contoso.example");
    await expect.poll(() => widget.state(), { timeout: 15_000 }).toBe("connected");
    await expect.poll(() => page.getByTestId("connections").innerText()).toContain("adele@contoso.example");
    expect(await page.locator("main").getAttribute("data-success-count")).toBe("1");
  });
});

describe("redirect mode", () => {
  it("with popups blocked the page itself goes to Microsoft and back; the one-time result connects it and cannot be redeemed again", async () => {
    context = await f.browser.newContext({ viewport: { width: 900, height: 700 } });
    await context.addInitScript(() => {
      window.open = () => null;
    });
    const page = await context.newPage();
    const returns: string[] = [];
    page.on("framenavigated", (frame) => frame === page.mainFrame() && frame.url().includes("adsc_result=") && returns.push(frame.url()));
    await page.goto(`${f.stack.demo.url}/?tab=ads`);
    const widget = new Widget(page.getByTestId("connect").locator("[data-adsc-state]"));
    await expect.poll(() => widget.state()).toBe("idle");
    await widget.button().click();
    await page.waitForURL((url) => url.href.startsWith(f.stack.emulator!.url));
    await signInAs(page, "adele@contoso.example");
    await page.waitForURL((url) => url.href.startsWith(f.stack.demo.url));
    await expect.poll(() => widget.state(), { timeout: 15_000 }).toBe("connected");
    expect(await widget.status()).toBe(connectedText(f, "adele@contoso.example"));
    expect(page.url()).toBe(`${f.stack.demo.url}/?tab=ads`);
    expect((await f.connections()).map((c) => c.account.username)).toEqual(["adele@contoso.example"]);
    expect(returns).toHaveLength(1);
    const token = new URL(returns[0]!).searchParams.get("adsc_result")!;
    const again = await page.evaluate(
      ([server, t]) => fetch(`${server}/connect/redirect/result`, { method: "POST", headers: { authorization: `Bearer ${t}` } }).then((r) => r.status),
      [f.stack.server.url, token] as const,
    );
    expect(again).toBe(401);
  });
});

describe("<connect-microsoft-ads> from /widget.js on a plain HTML page (strict CSP)", () => {
  const openPlain = async (colorScheme: "light" | "dark" = "light") => {
    context = await f.browser.newContext({ colorScheme, viewport: { width: 900, height: 700 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
    await page.goto(`${f.stack.demo.url}/plain/`);
    const element = page.locator("connect-microsoft-ads");
    await expect.poll(() => element.getAttribute("data-adsc-state")).toBe("idle");
    return { page, element, errors };
  };

  it("connects with the keyboard alone, fires success, keeps the focus on its button; nothing broke the CSP", async () => {
    const { page, element, errors } = await openPlain();
    await page.keyboard.press("Tab");
    expect(await element.locator("button").evaluate((b) => b === (b.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    const [popup] = await Promise.all([page.waitForEvent("popup"), page.keyboard.press("Enter")]);
    await expect.poll(() => element.getAttribute("data-adsc-state")).toBe("connecting");
    await signInAs(popup, "adele@contoso.example");
    await expect.poll(() => element.getAttribute("data-adsc-state")).toBe("connected");
    expect(await page.locator("#outcome").getAttribute("data-event")).toBe("success");
    expect(await page.locator("#outcome").innerText()).toContain("adele@contoso.example");
    expect(await element.locator('[role="status"]').innerText()).toBe(connectedText(f, "adele@contoso.example"));
    expect(await element.locator("button").evaluate((b) => b === (b.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    expect(errors).toEqual([]);
  });

  it("axe finds nothing in any of its states, light and dark (a white card), and a closed popup fires close", async () => {
    {
      const { page, element } = await openPlain();
      const check = async (state: string) => {
        for (const scheme of ["light", "dark"] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          expect({ scheme, state, violations: await axeViolations(page, "main") }).toEqual({ scheme, state, violations: [] });
        }
      };
      await check("idle");
      const popup = await clickForPopup(page, element.locator("button"));
      await check("connecting");
      await popup.close();
      await expect.poll(() => element.getAttribute("data-adsc-state"), { timeout: 5000 }).toBe("closed");
      expect(await page.locator("#outcome").getAttribute("data-event")).toBe("close");
      await check("closed");
      const declined = await clickForPopup(page, element.locator("button"));
      await signInAs(declined, "declined@contoso.example");
      await expect.poll(() => element.getAttribute("data-adsc-state")).toBe("error");
      await check("error");
    }
  });
});

describe("axe over the React widget", () => {
  it("every state has no violations: light, dark, and dark with a white card (the issue's invisible status line)", async () => {
    const { page, widget } = await open();
    await page.addStyleTag({ content: "body.white-card section { background: #fff; color: #1b1b1b; }" });
    const check = async (state: string) => {
      await expect.poll(() => widget.state(), { timeout: 10_000 }).toBe(state);
      for (const [scheme, whiteCard] of [
        ["light", false],
        ["dark", false],
        ["dark", true],
      ] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.evaluate((white) => document.body.classList.toggle("white-card", white), whiteCard);
        const violations = await axeViolations(page, '[data-testid="connect"]');
        expect({ state, scheme, whiteCard, violations }).toEqual({ state, scheme, whiteCard, violations: [] });
      }
    };
    await check("idle");
    await setPageFocus(page, false);
    const first = await clickForPopup(page, widget.button());
    await check("connecting");
    await first.close();
    await check("waiting");
    await widget.button().click();
    await check("idle");
    expect(await widget.status()).toContain("Cancelled");
    await setPageFocus(page, true);
    const second = await clickForPopup(page, widget.button());
    await second.close();
    await check("closed");
    const declined = await clickForPopup(page, widget.button());
    await signInAs(declined, "declined@contoso.example");
    await check("error");
    const admin = await clickForPopup(page, widget.button());
    await signInAs(admin, "needs-admin@fabrikam.example");
    await expect.poll(() => widget.errorCode()).toBe("admin_consent_required");
    // The administrator's link (its own chunk) is checked too.
    await expect.poll(() => widget.root.locator("a[data-adsc-admin-link]").count()).toBe(1);
    await check("error");
    const good = await clickForPopup(page, widget.button());
    await signInAs(good, "adele@contoso.example");
    await check("connected");
  });
});
