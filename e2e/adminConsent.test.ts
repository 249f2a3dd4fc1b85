import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clickForPopup, connectedText, type DemoFixture, openDemo, signInAs, startDemoFixture } from "./demoStack.js";

// A stack of its own: the emulator remembers the approval, which would change other tests' users.
let f: DemoFixture;
beforeAll(async () => {
  f = await startDemoFixture();
});
afterAll(() => f.close());

describe("admin consent in Chromium", () => {
  it("blocked user → link for the administrator → the administrator approves → the user connects", async () => {
    const user = await openDemo(f);
    const { page, widget } = user;
    const first = await clickForPopup(page, widget.button());
    const closed = first.waitForEvent("close");
    await signInAs(first, "needs-admin@fabrikam.example");
    await closed;
    await expect.poll(() => widget.state()).toBe("error");
    expect(await widget.errorCode()).toBe("admin_consent_required");
    expect(await widget.status()).toMatch(/administrator/i);
    const link = widget.root.locator("a[data-adsc-admin-link]");
    expect(await link.innerText()).toBe("Approval link for your administrator");
    const href = (await link.getAttribute("href"))!;
    expect(href).toMatch(new RegExp(`^${f.stack.server.url}/oauth/admin-consent\\?request=`));

    // The administrator opens the link in their own browser and approves at Microsoft (the emulator).
    const adminContext = await f.browser.newContext();
    const admin = await adminContext.newPage();
    await admin.goto(href);
    expect(admin.url()).toContain("/organizations/v2.0/adminconsent?");
    await admin.getByTestId("admin-admin@fabrikam.example").click();
    await admin.locator('main[data-admin-consent="approved"]').waitFor();
    expect(await admin.locator("h1").innerText()).toBe("Approved for your organization");
    await adminContext.close();

    // Back to the user: Try again now connects.
    expect(await widget.button().innerText()).toContain("Try again");
    const second = await clickForPopup(page, widget.button());
    const secondClosed = second.waitForEvent("close");
    await signInAs(second, "needs-admin@fabrikam.example");
    await secondClosed;
    await expect.poll(() => widget.state()).toBe("connected");
    expect(await widget.status()).toBe(connectedText(f, "needs-admin@fabrikam.example"));
    expect(await widget.root.locator("a[data-adsc-admin-link]").count()).toBe(0);
    await expect.poll(() => page.getByTestId("connections").innerText()).toContain("needs-admin@fabrikam.example");
    expect((await f.connections()).map((c) => c.account.username)).toEqual(["needs-admin@fabrikam.example"]);
    await user.context.close();
  });
});
