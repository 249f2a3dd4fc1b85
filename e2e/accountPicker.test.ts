import { AdsConnectClient } from "@ads-connect/node";
import { type Harness, startHarness } from "@ads-connect/server/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium.js";

// The picker page itself in real Chromium (CSP, script, keyboard, screen-reader semantics). A
// connect link opened on its own: Continue, sign in at the emulator, then the picker.
let h: Harness;
let browser: Browser;
let client: AdsConnectClient;

beforeAll(async () => {
  h = await startHarness();
  browser = await launchChromium();
  client = new AdsConnectClient({ host: h.server.url, secretKey: h.secretKey });
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function openPicker(username: string, endUserId: string, options: { colorScheme?: "light" | "dark" } = {}): Promise<Page> {
  const context = await browser.newContext({ colorScheme: options.colorScheme ?? "light" });
  const page = await context.newPage();
  const { connect_link } = await h.createSession({ end_user: { id: endUserId } });
  await page.goto(connect_link);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByTestId(`user-${username}`).click();
  await page.locator("main[data-account-picker]").waitFor();
  return page;
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? "");

async function tabTo(page: Page, id: string): Promise<void> {
  for (let i = 0; i < 20 && (await focusedId(page)) !== id; i++) await page.keyboard.press("Tab");
  expect(await focusedId(page)).toBe(id);
}

describe("account picker in Chromium", () => {
  it("keyboard only: Tab to each account, Space ticks it, Enter on Continue; focus is visible; labelled fieldset", async () => {
    const page = await openPicker("three@contoso.example", "kb-user");
    const accounts = h.ads.accounts("three@contoso.example");
    // Screen readers: a named group, each checkbox named by its label (name + Number + ids).
    expect(await page.getByRole("group", { name: "Microsoft Advertising accounts" }).count()).toBe(1);
    const first = page.getByRole("checkbox", { name: new RegExp(`${accounts[0]!.Name}.*Number ${accounts[0]!.Number}`) });
    expect(await first.count()).toBe(1);
    expect(await first.getAttribute("aria-describedby")).toBe("adsc-a-0-meta");

    await tabTo(page, "adsc-a-0");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe("none");
    await page.keyboard.press("Space");
    await tabTo(page, "adsc-a-2");
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Continue");
    await page.keyboard.press("Enter");
    await page.locator('main[data-result="success"]').waitFor();
    expect(await page.locator("h1").innerText()).toBe("Microsoft Advertising connected");

    const list = await client.listConnections({ endUserId: "kb-user" });
    expect(list.connections[0]!.selected_account_ids).toEqual([accounts[0]!.Id, accounts[2]!.Id]);
    await page.context().close();
  });

  it("multiple with nothing ticked: the page says so (role=alert) instead of sending", async () => {
    const page = await openPicker("three@contoso.example", "none-ticked");
    await page.getByRole("button", { name: "Continue" }).click();
    const alert = page.getByRole("alert");
    await expect.poll(() => alert.innerText()).toBe("Choose at least one account to continue.");
    expect(await page.locator("main[data-account-picker]").count()).toBe(1);
    await page.context().close();
  });

  it("2,500 accounts: the script (under the CSP nonce) shows the search box; typing filters and the live region counts matches; Enter does not send", async () => {
    const page = await openPicker("many@contoso.example", "search-user", { colorScheme: "dark" });
    const search = page.getByRole("searchbox", { name: "Search accounts" });
    await search.waitFor({ state: "visible" });
    expect(await page.locator(".adsc-account").count()).toBe(2500);
    const status = page.locator("#adsc-count");
    expect(await status.getAttribute("aria-live")).toBe("polite");
    expect(await status.innerText()).toBe("2,500 accounts");

    await search.fill("many ads 1234");
    const visible = () => page.locator(".adsc-account:not([hidden])").count();
    await expect.poll(visible).toBe(1);
    await expect.poll(() => status.innerText()).toBe("1 of 2,500 accounts matches");
    await search.press("Enter");
    expect(await page.locator("main[data-account-picker]").count()).toBe(1);

    await search.fill("no such account");
    await expect.poll(visible).toBe(0);
    await expect.poll(() => status.innerText()).toBe("No account matches “no such account”.");

    // Dark scheme: the page follows prefers-color-scheme.
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(22, 24, 28)");

    await search.fill("Many Ads 0007");
    await page.getByRole("checkbox", { name: /Many Ads 0007/ }).check();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.locator('main[data-result="success"]').waitFor();
    const list = await client.listConnections({ endUserId: "search-user" });
    expect(list.connections[0]!.selected_account_ids).toEqual([h.ads.accounts("many@contoso.example")[6]!.Id]);
    await page.context().close();
  });
});
