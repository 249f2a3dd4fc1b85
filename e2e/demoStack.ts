import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Stack, type StackOptions, startStack } from "@ads-connect/demo";
import { httpRequest } from "@ads-connect/server/testing";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { expect, inject } from "vitest";
import { launchChromium } from "./chromium.js";

export interface DemoFixture {
  stack: Stack;
  browser: Browser;
  /** The server's connections, read as the product backend would. */
  connections(): Promise<
    {
      connection_id: string;
      account: { username: string };
      status: string;
      accounts: { id: string; number: string | null; name: string | null }[];
      selected_account_ids: string[] | null;
    }[]
  >;
  close(): Promise<void>;
}

/**
 * The demo's own stack (what `pnpm start` starts: emulators + ads-connect server + demo) on port 0
 * over the page the global setup built, with its data in a temporary directory `close` removes.
 */
export async function startDemoStack(options: Pick<StackOptions, "logDestination"> & { logLevel?: string } = {}): Promise<Stack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "ads-connect-e2e-"));
  const stack = await startStack({
    staticDir: inject("demoPageDir"),
    demoPort: 0,
    emulatorPort: 0,
    env: { PORT: "0", DATA_DIR: dataDir, LOG_LEVEL: options.logLevel ?? "warn", REFRESH_AHEAD: "off" },
    ...(options.logDestination ? { logDestination: options.logDestination } : {}),
  });
  return {
    ...stack,
    async close() {
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Emulator + ads-connect server + demo on port 0, and one Chromium. */
export async function startDemoFixture(): Promise<DemoFixture> {
  const stack = await startDemoStack();
  const browser = await launchChromium();
  const api = async (method: string, p: string) => {
    const res = await httpRequest(`${stack.server.url}${p}`, { method, headers: { authorization: `Bearer ${stack.server.config.secretKey}` } });
    return JSON.parse(res.text) as unknown;
  };
  return {
    stack,
    browser,
    async connections() {
      return ((await api("GET", "/connections")) as { connections: Awaited<ReturnType<DemoFixture["connections"]>> }).connections;
    },
    async close() {
      await browser.close();
      await stack.close();
    },
  };
}

/** Deletes every connection, so each test starts from an empty account list. */
export async function resetConnections(f: DemoFixture): Promise<void> {
  for (const c of await f.connections()) {
    await httpRequest(`${f.stack.server.url}/connections/${c.connection_id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${f.stack.server.config.secretKey}` },
    });
  }
}

/** The demo page, loaded and ready, in a fresh browser context. */
export async function openDemo(
  f: DemoFixture,
  options: { colorScheme?: "light" | "dark"; query?: string; locale?: string } = {},
): Promise<{ context: BrowserContext; page: Page; widget: Widget }> {
  const context = await f.browser.newContext({
    colorScheme: options.colorScheme ?? "light",
    viewport: { width: 900, height: 700 },
    ...(options.locale ? { locale: options.locale } : {}),
  });
  const page = await context.newPage();
  await page.goto(`${f.stack.demo.url}${options.query ?? ""}`);
  const widget = new Widget(page.getByTestId("connect").locator("[data-adsc-state]"));
  await expect.poll(() => widget.state()).toBe("idle");
  return { context, page, widget };
}

/** The main "Connect Microsoft Ads" widget on the demo page, read the way a user sees it. */
export class Widget {
  constructor(readonly root: Locator) {}
  button(): Locator {
    // The main action: the copy button of an admin link sits deeper.
    return this.root.locator(":scope > button");
  }
  state(): Promise<string | null> {
    return this.root.getAttribute("data-adsc-state");
  }
  errorCode(): Promise<string | null> {
    return this.root.getAttribute("data-adsc-error-code");
  }
  status(): Promise<string> {
    return this.root.getByRole("status").innerText();
  }
}

/**
 * What the widget says once `username` connected with their only Microsoft Advertising account
 * (chosen without asking): "Connected: <name> · <Number>", as the Ads emulator has it.
 */
export function connectedText(f: DemoFixture, username: string): string {
  const [account, ...more] = f.stack.ads!.accounts(username);
  if (!account || more.length > 0) throw new Error(`${username} does not have exactly one account`);
  return `Connected: ${account.Name} · ${account.Number}`;
}

/** Clicks the widget's button and returns the popup it opened. */
export async function clickForPopup(page: Page, button: Locator): Promise<Page> {
  const [popup] = await Promise.all([page.waitForEvent("popup"), button.click()]);
  return popup;
}

/** On the emulator's login page, picks a test user as a person would. */
export async function signInAs(popup: Page, username: string): Promise<void> {
  await popup.getByTestId(`user-${username}`).click();
}

/**
 * Whether the page has the focus. Playwright tells every page it has it; in a real browser the
 * popup takes it (also when COOP cut it off) and the page gets it back when the popup closes.
 */
export function setPageFocus(page: Page, focused: boolean): Promise<void> {
  return page.evaluate((has) => {
    document.hasFocus = () => has;
    if (has) window.dispatchEvent(new Event("focus"));
  }, focused);
}
