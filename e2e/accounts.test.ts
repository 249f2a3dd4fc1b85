import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clickForPopup, type DemoFixture, openDemo, resetConnections, signInAs, startDemoFixture } from "./demoStack.js";

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
});

const open = async () => {
  const demo = await openDemo(f);
  context = demo.context;
  return demo;
};

/** The account as the Microsoft Advertising emulator has it (its Number is made up at start). */
const emulated = (username: string, name: string) => {
  const account = f.stack.ads!.accounts(username).find((a) => a.Name === name);
  if (!account) throw new Error(`no account ${name} for ${username}`);
  return account;
};

/** Presses Tab until the focused element matches `selector` (the keyboard's way there, no mouse). */
async function tabTo(popup: Page, selector: string, max = 15): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await popup.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await popup.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${selector}`);
}

const focusedName = (popup: Page) =>
  popup.evaluate(() => (document.activeElement as HTMLInputElement | null)?.labels?.[0]?.innerText ?? document.activeElement?.textContent ?? "");

describe("Microsoft Advertising accounts in the demo (Chromium)", () => {
  it("3 accounts: the picker lists them, the user chooses one, the widget names it and the backend lists it", async () => {
    const { page, widget } = await open();
    const popup = await clickForPopup(page, widget.button());
    await signInAs(popup, "three@contoso.example");
    const radios = popup.getByRole("radio");
    await expect.poll(() => radios.count()).toBe(3);
    const listed = await popup.getByRole("group", { name: "Microsoft Advertising accounts" }).innerText();
    for (const name of ["Contoso Search", "Contoso Shopping", "Contoso Brand"]) {
      expect(listed).toContain(name);
      // Name, Number and customer, so Customer ID / Account ID / Number are not confused.
      expect(listed).toContain(emulated("three@contoso.example", name).Number);
    }
    expect(listed).toContain(f.stack.ads!.customers("three@contoso.example")[0]!.id);

    const shopping = emulated("three@contoso.example", "Contoso Shopping");
    const closed = popup.waitForEvent("close");
    await popup.getByRole("radio", { name: /Contoso Shopping/ }).check();
    await popup.getByRole("button", { name: "Continue" }).click();
    await closed;

    await expect.poll(() => widget.state()).toBe("connected");
    expect(await widget.status()).toBe(`Connected: Contoso Shopping · ${shopping.Number}`);
    await expect.poll(() => page.getByTestId("connection-accounts").innerText()).toContain(`Contoso Shopping · ${shopping.Number}`);
    expect(await page.getByTestId("connection-accounts").innerText()).not.toContain("Contoso Search");
    const demoBackend = await page.evaluate(() =>
      fetch("/api/connections").then((r) => r.json() as Promise<{ connections: { accounts: { id: string; name: string }[] }[] }>),
    );
    expect(demoBackend.connections.map((c) => c.accounts)).toEqual([
      [{ id: shopping.Id, customer_id: shopping.ParentCustomerId, number: shopping.Number, name: "Contoso Shopping" }],
    ]);
    const [connection] = await f.connections();
    expect(connection!.selected_account_ids).toEqual([shopping.Id]);
    expect(connection!.accounts.map((a) => a.name)).toEqual(["Contoso Search", "Contoso Shopping", "Contoso Brand"]);
  });

  it("the picker works with the keyboard only: Tab to the accounts, an arrow key, Space, Tab to Continue, Enter", async () => {
    const { page, widget } = await open();
    const popup = await clickForPopup(page, widget.button());
    await signInAs(popup, "three@contoso.example");
    await popup.getByRole("radio").first().waitFor();
    await tabTo(popup, 'input[type="radio"]');
    expect(await focusedName(popup)).toContain("Contoso Search");
    await popup.keyboard.press("ArrowDown");
    expect(await focusedName(popup)).toContain("Contoso Shopping");
    await popup.keyboard.press("Space");
    expect(await popup.getByRole("radio", { name: /Contoso Shopping/ }).isChecked()).toBe(true);
    expect(await popup.getByRole("radio", { name: /Contoso Search/ }).isChecked()).toBe(false);
    await tabTo(popup, 'button[type="submit"], input[type="submit"]');
    const closed = popup.waitForEvent("close");
    // The result closes the popup while Enter is still down: its key-up then has no page to go to.
    await popup.keyboard.press("Enter").catch((err: unknown) => {
      if (!popup.isClosed()) throw err;
    });
    await closed;
    await expect.poll(() => widget.state()).toBe("connected");
    expect(await widget.status()).toBe(`Connected: Contoso Shopping · ${emulated("three@contoso.example", "Contoso Shopping").Number}`);
    expect((await f.connections())[0]!.selected_account_ids).toEqual([emulated("three@contoso.example", "Contoso Shopping").Id]);
  });

  it("Change accounts on the demo's row reopens only the picker; a reconnect keeps the new choice", async () => {
    const { page, widget } = await open();
    const popup = await clickForPopup(page, widget.button());
    await signInAs(popup, "three@contoso.example");
    await popup.getByRole("radio", { name: /Contoso Search/ }).check();
    await popup.getByRole("button", { name: "Continue" }).click();
    await expect.poll(() => widget.state()).toBe("connected");
    const [connection] = await f.connections();
    const row = page.locator(`[data-connection-id="${connection!.connection_id}"]`);
    await expect.poll(() => row.getByTestId("connection-accounts").innerText()).toContain("Contoso Search");

    const authorizeRequests = f.stack.emulator!.stats.authorizeRequests;
    const picker = await clickForPopup(page, row.getByRole("button", { name: "Change accounts" }));
    const brand = emulated("three@contoso.example", "Contoso Brand");
    // Only the picker, with no sign-in at Microsoft.
    await expect.poll(() => picker.getByRole("radio").count()).toBe(3);
    await picker.getByRole("radio", { name: /Contoso Brand/ }).check();
    await picker.getByRole("button", { name: "Continue" }).click();
    await expect.poll(() => row.getByTestId("connection-accounts").innerText()).toBe(`Contoso Brand · ${brand.Number}`);
    expect(f.stack.emulator!.stats.authorizeRequests).toBe(authorizeRequests);
    expect((await f.connections())[0]!.selected_account_ids).toEqual([brand.Id]);

    const again = await clickForPopup(page, row.getByRole("button", { name: "Reconnect" }));
    await signInAs(again, "three@contoso.example");
    await expect.poll(() => page.locator("main").getAttribute("data-success-count")).toBe("3");
    expect((await f.connections())[0]!.selected_account_ids).toEqual([brand.Id]);
    expect(await row.getByTestId("connection-accounts").innerText()).toBe(`Contoso Brand · ${brand.Number}`);
  });

  it("2,500 accounts: the picker stays usable, search by Number finds the one account, which is chosen", async () => {
    const { page, widget } = await open();
    const target = emulated("many@contoso.example", "Many Ads 1234");
    const popup = await clickForPopup(page, widget.button());
    await signInAs(popup, "many@contoso.example");
    const search = popup.getByRole("searchbox", { name: "Search accounts" });
    await search.waitFor();
    await search.fill(target.Number);
    const visible = popup.getByRole("radio");
    await expect.poll(() => visible.count()).toBe(1);
    await expect.poll(() => popup.locator("main").innerText()).toMatch(/1 of 2,?500 accounts match/);
    const closed = popup.waitForEvent("close");
    await popup.getByRole("radio", { name: /Many Ads 1234/ }).check();
    await popup.getByRole("button", { name: "Continue" }).click();
    await closed;
    await expect.poll(() => widget.state()).toBe("connected");
    expect(await widget.status()).toBe(`Connected: Many Ads 1234 · ${target.Number}`);
    const [connection] = await f.connections();
    expect(connection!.selected_account_ids).toEqual([target.Id]);
    expect(connection!.accounts).toHaveLength(2500);
  });

  it("no account: the popup explains the next step, and the widget still reports the connection", async () => {
    const { page, widget } = await open();
    const popup = await clickForPopup(page, widget.button());
    await signInAs(popup, "none@contoso.example");
    await popup.getByRole("heading", { name: "No Microsoft Advertising accounts yet" }).waitFor();
    expect(await popup.locator("main").innerText()).toMatch(/sign up at ads\.microsoft\.com.*or ask the administrator of an existing account to invite/s);
    const closed = popup.waitForEvent("close");
    await popup.getByRole("button", { name: "Close" }).click();
    await closed;
    await expect.poll(() => widget.state()).toBe("connected");
    expect(await widget.status()).toBe("Connected as Nora No-Accounts");
    await expect.poll(() => page.getByTestId("connection-accounts").innerText()).toContain("No Microsoft Advertising account yet");
    const [connection] = await f.connections();
    expect(connection!.account.username).toBe("none@contoso.example");
    expect(connection!.accounts).toEqual([]);
  });
});
