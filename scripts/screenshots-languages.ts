/**
 * `pnpm screenshots:languages`: the widget's states and the popup's server pages in German and
 * Arabic (right to left), light and dark, taken in Chromium over the demo, into
 * docs/screenshots/languages/ (linked from docs/languages.md).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildDemoPage, startStack } from "@ads-connect/demo";
import { httpRequest } from "@ads-connect/server/testing";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../e2e/chromium.js";

const OUT = fileURLToPath(new URL("../docs/screenshots/languages/", import.meta.url));
mkdirSync(OUT, { recursive: true });
const work = mkdtempSync(path.join(tmpdir(), "ads-connect-shots-"));
await buildDemoPage(path.join(work, "page"));
const stack = await startStack({
  staticDir: path.join(work, "page"),
  demoPort: 0,
  emulatorPort: 0,
  env: { PORT: "0", DATA_DIR: path.join(work, "data"), LOG_LEVEL: "warn", REFRESH_AHEAD: "off" },
});
const browser: Browser = await launchChromium();
const { secretKey } = stack.server.config;
const api = (method: string, p: string, body?: unknown) =>
  httpRequest(`${stack.server.url}${p}`, {
    method,
    headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  }).then((r) => JSON.parse(r.text) as unknown);

const shoot = async (target: Page | ReturnType<Page["locator"]>, name: string) => {
  await target.screenshot({ path: path.join(OUT, `${name}.png`) });
  console.log(`docs/screenshots/languages/${name}.png`);
};

async function languagePictures(lang: string, colorScheme: "light" | "dark"): Promise<void> {
  const prefix = `${lang}-${colorScheme}`;
  // Each round starts without connections: the picker shows again, the widget starts idle.
  for (const c of ((await api("GET", "/connections")) as { connections: { connection_id: string }[] }).connections)
    await api("DELETE", `/connections/${c.connection_id}`);
  const context = await browser.newContext({ colorScheme, locale: lang, viewport: { width: 760, height: 620 } });
  const p = await context.newPage();

  // The server pages: start, picker, result, error.
  const session = (await api("POST", "/connect/sessions", { end_user: { id: `shots-${lang}`, display_name: "Zoë Example" }, locale: lang })) as {
    data: { connect_link: string };
  };
  await p.goto(session.data.connect_link);
  await shoot(p, `${prefix}-start`);
  await p.locator("#adsc-start button.primary").click();
  await p.getByTestId("user-three@contoso.example").click();
  await p.locator("#adsc-picker").waitFor();
  await shoot(p, `${prefix}-picker`);
  await p.locator(".adsc-account input").first().check();
  await p.locator("#adsc-picker button.primary").click();
  await p.locator('main[data-result="success"]').waitFor();
  await shoot(p, `${prefix}-result`);
  await p.goto(`${stack.server.url}/oauth/connect/microsoft-ads?connect_session_token=adsc_cs_unknown`);
  await shoot(p, `${prefix}-error`);

  // The widget's states on the demo page.
  await p.goto(`${stack.demo.url}/?lang=${lang}`);
  const widget = p.getByTestId("connect").locator("[data-adsc-state]");
  const section = p.locator("section").first();
  await p.waitForFunction((l) => document.querySelector(`[data-testid=connect] [lang="${l}"]`), lang);
  await shoot(section, `${prefix}-widget-idle`);
  const [popup] = await Promise.all([p.waitForEvent("popup"), widget.locator(":scope > button").click()]);
  await p.locator('[data-testid=connect] [data-adsc-state="connecting"]').waitFor();
  await shoot(section, `${prefix}-widget-connecting`);
  await popup.getByTestId("user-adele@contoso.example").waitFor();
  await popup.close();
  await p.locator('[data-testid=connect] [data-adsc-state="waiting"]').waitFor();
  await shoot(section, `${prefix}-widget-waiting`);
  await widget.locator(":scope > button").click();
  const [blocked] = await Promise.all([p.waitForEvent("popup"), widget.locator(":scope > button").click()]);
  await blocked.getByTestId("user-needs-admin@fabrikam.example").click();
  await p.locator('[data-testid=connect] [data-adsc-error-code="admin_consent_required"]').waitFor();
  await shoot(section, `${prefix}-widget-error`);
  const [good] = await Promise.all([p.waitForEvent("popup"), widget.locator(":scope > button").click()]);
  await good.getByTestId("user-adele@contoso.example").click();
  await p.locator('[data-testid=connect] [data-adsc-state="connected"]').waitFor();
  await shoot(section, `${prefix}-widget-connected`);
  await context.close();
}

try {
  for (const lang of ["de", "ar"]) for (const scheme of ["light", "dark"] as const) await languagePictures(lang, scheme);
} finally {
  await browser.close();
  await stack.close();
  rmSync(work, { recursive: true, force: true });
}
