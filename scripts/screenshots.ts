/**
 * `pnpm screenshots`: pictures of every widget state, taken in Chromium over the demo, into
 * docs/screenshots/ (linked from the README). Uses the same stack and helpers as the browser tests.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildDemoPage, startStack } from "@ads-connect/demo";
import { httpRequest } from "@ads-connect/server/testing";
import type { Page } from "playwright-core";
import { launchChromium } from "../e2e/chromium.js";

const OUT = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "ads-connect-shots-"));
await buildDemoPage(path.join(work, "page"));
const stack = await startStack({
  staticDir: path.join(work, "page"),
  demoPort: 0,
  emulatorPort: 0,
  env: { PORT: "0", DATA_DIR: path.join(work, "data"), LOG_LEVEL: "warn", REFRESH_AHEAD: "off" },
});
const browser = await launchChromium();
const api = (method: string, p: string) =>
  httpRequest(`${stack.server.url}${p}`, { method, headers: { authorization: `Bearer ${stack.server.config.secretKey}` } }).then(
    (r) => JSON.parse(r.text) as unknown,
  );

async function page(colorScheme: "light" | "dark" = "light"): Promise<Page> {
  const context = await browser.newContext({ colorScheme, viewport: { width: 820, height: 640 }, deviceScaleFactor: 2 });
  const p = await context.newPage();
  await p.goto(stack.demo.url);
  await p.getByTestId("connect").locator('[data-adsc-state="idle"]').waitFor();
  return p;
}
const state = (p: Page, s: string) => p.getByTestId("connect").locator(`[data-adsc-state="${s}"]`).waitFor();
const shoot = async (p: Page, name: string, whole = false) => {
  await (whole ? p : p.locator("section").first()).screenshot({ path: path.join(OUT, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
};
const connectButton = (p: Page) => p.getByTestId("connect").locator("[data-adsc-state] > button");
const openPopup = async (p: Page) => (await Promise.all([p.waitForEvent("popup"), connectButton(p).click()]))[0];
const resetConnections = async () => {
  for (const c of ((await api("GET", "/connections")) as { connections: { connection_id: string }[] }).connections)
    await api("DELETE", `/connections/${c.connection_id}`);
};

try {
  let p = await page();
  await shoot(p, "idle");
  const popup = await openPopup(p);
  await state(p, "connecting");
  await shoot(p, "connecting");
  await popup.getByTestId("user-adele@contoso.example").waitFor();
  await popup.screenshot({ path: path.join(OUT, "emulator-login.png") });
  console.log("docs/screenshots/emulator-login.png");
  // The popup holds the focus (Playwright tells every page it has it): waiting, with Cancel.
  await p.evaluate(() => {
    document.hasFocus = () => false;
  });
  await popup.close();
  await state(p, "waiting");
  await shoot(p, "waiting");
  await connectButton(p).click();
  await state(p, "idle");
  await shoot(p, "cancelled");
  // The page has the focus again when the popup closes: "Sign-in window closed", Try again.
  await p.evaluate(() => {
    document.hasFocus = () => true;
  });
  await (await openPopup(p)).close();
  await state(p, "closed");
  await shoot(p, "closed");

  const declined = await openPopup(p);
  await declined.getByTestId("user-declined@contoso.example").click();
  await state(p, "error");
  await shoot(p, "error-consent-declined");

  const blocked = await openPopup(p);
  await blocked.getByTestId("user-needs-admin@fabrikam.example").click();
  await p.getByTestId("connect").locator('[data-adsc-error-code="admin_consent_required"]').waitFor();
  await shoot(p, "error-admin-consent");
  // The administrator's side: Microsoft's (the emulator's) approval page, then ours.
  const href = (await p.locator("a[data-adsc-admin-link]").getAttribute("href"))!;
  const admin = await (await browser.newContext({ viewport: { width: 820, height: 640 }, deviceScaleFactor: 2 })).newPage();
  await admin.goto(href);
  await admin.screenshot({ path: path.join(OUT, "emulator-admin-consent.png") });
  console.log("docs/screenshots/emulator-admin-consent.png");
  await admin.getByTestId("admin-admin@fabrikam.example").click();
  await admin.locator('main[data-admin-consent="approved"]').waitFor();
  await admin.screenshot({ path: path.join(OUT, "admin-consent-approved.png") });
  console.log("docs/screenshots/admin-consent-approved.png");
  await admin.context().close();

  await p.context().close();

  p = await page();
  const good = await openPopup(p);
  await good.getByTestId("user-adele@contoso.example").click();
  await state(p, "connected");
  await p.getByTestId("connections").waitFor();
  await shoot(p, "connected-page", true);

  // An expired connection: Microsoft revokes the grant, the next refresh finds out.
  stack.emulator!.revokeRefreshTokens("adele@contoso.example");
  const [c] = ((await api("GET", "/connections")) as { connections: { connection_id: string }[] }).connections;
  await api("GET", `/connections/${c!.connection_id}?force_refresh=true`);
  await p.reload();
  await p.locator('[data-connection-id] [data-adsc-error-code="grant_expired"]').waitFor();
  await p
    .locator("section")
    .nth(1)
    .screenshot({ path: path.join(OUT, "expired-reconnect.png") });
  console.log("docs/screenshots/expired-reconnect.png");
  await p.context().close();

  await resetConnections();
  p = await page("dark");
  await shoot(p, "dark-idle");
  const dark = await openPopup(p);
  await dark.getByTestId("user-megan@contoso.example").click();
  await state(p, "connected");
  await p.getByTestId("connections").waitFor();
  await shoot(p, "dark-connected-page", true);
  await p.context().close();

  // A dark page with a white card (the widget takes the card's text colour), closed state.
  await resetConnections();
  p = await page("dark");
  await p.addStyleTag({ content: "section { background: #fff; color: #1b1b1b; }" });
  await (await openPopup(p)).close();
  await state(p, "closed");
  await shoot(p, "dark-white-card-closed");
  await p.context().close();

  // <connect-microsoft-ads> from /widget.js on the plain HTML example (examples/plain-html).
  for (const scheme of ["light", "dark"] as const) {
    await resetConnections();
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 820, height: 480 }, deviceScaleFactor: 2 });
    const plain = await context.newPage();
    await plain.goto(`${stack.demo.url}/plain/`);
    const element = plain.locator("connect-microsoft-ads");
    await plain.locator('connect-microsoft-ads[data-adsc-state="idle"]').waitFor();
    const [elementPopup] = await Promise.all([plain.waitForEvent("popup"), element.locator("button").click()]);
    if (scheme === "light") {
      await elementPopup.getByTestId("user-adele@contoso.example").click();
      await plain.locator('connect-microsoft-ads[data-adsc-state="connected"]').waitFor();
      await plain.locator("section").screenshot({ path: path.join(OUT, "element-connected.png") });
      console.log("docs/screenshots/element-connected.png");
    } else {
      await elementPopup.close();
      await plain.locator('connect-microsoft-ads[data-adsc-state="closed"]').waitFor();
      await plain.locator("section").screenshot({ path: path.join(OUT, "dark-element-closed.png") });
      console.log("docs/screenshots/dark-element-closed.png");
    }
    await context.close();
  }
} finally {
  await browser.close();
  await stack.close();
  rmSync(work, { recursive: true, force: true });
}
