/**
 * `pnpm screenshots:console`: every page of the operator console, at 1280×800 in light and dark and
 * at a phone's width, into docs/screenshots/console-*.png. A real server and the emulators, with a
 * working and a failing connection, as the browser test (e2e/console.test.ts) seeds them.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { connectAs, startHarness } from "@ads-connect/server/testing";
import type { Page } from "playwright-core";
import { launchChromium } from "../e2e/chromium.js";

const OUT = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));
const OPERATOR_KEY = "screenshots-operator-key-0123456789abcdefghij";
if (!existsSync(fileURLToPath(new URL("../packages/server/console-app/index.html", import.meta.url)))) {
  execFileSync("npx", ["vite", "build", "--logLevel", "error"], { cwd: fileURLToPath(new URL("../packages/console/", import.meta.url)), stdio: "inherit" });
}

const h = await startHarness({ env: { CONSOLE_OPERATOR_KEY: OPERATOR_KEY, WEBHOOK_MAX_ATTEMPTS: "1", LOG_LEVEL: "warn" } });
const browser = await launchChromium();
try {
  const session = async (id: string, email: string) => (await h.createSession({ end_user: { id, email, display_name: id } })).token;
  await connectAs(h, "adele@contoso.example", { token: await session("user-adele", "adele.owner@product.example") });
  h.webhooks.respondWith(503);
  await connectAs(h, "megan@contoso.example", { token: await session("user-megan", "megan.owner@product.example") });
  const { connections } = (await h.api("GET", "/connections")).json as { connections: { connection_id: string; account: { username: string } }[] };
  const megan = connections.find((c) => c.account.username.startsWith("megan"))!.connection_id;
  h.emulator.revokeRefreshTokens("megan@contoso.example");
  await h.api("GET", `/connections/${megan}?force_refresh=true`);
  h.webhooks.respondWith(200);

  const shoot = async (p: Page, name: string) => {
    await p.locator(".loading").waitFor({ state: "detached" });
    await p.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: !name.includes("phone") });
    console.log(`docs/screenshots/${name}.png`);
  };
  for (const [colorScheme, viewport, suffix] of [
    ["light", { width: 1280, height: 800 }, ""],
    ["dark", { width: 1280, height: 800 }, "-dark"],
    ["light", { width: 390, height: 844 }, "-phone"],
  ] as const) {
    const context = await browser.newContext({ colorScheme, viewport, deviceScaleFactor: 1 });
    const p = await context.newPage();
    await p.goto(`${h.server.url}/console`);
    await p.getByLabel("Operator key").waitFor();
    if (suffix === "") await shoot(p, "console-sign-in");
    await p.getByLabel("Operator key").fill(OPERATOR_KEY);
    await p.getByRole("button", { name: "Sign in" }).click();
    await p.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
    await p.locator(".chart canvas").first().waitFor();
    await shoot(p, `console-overview${suffix}`);
    await p.goto(`${h.server.url}/console/connections`);
    await p.getByTestId("connection-row").first().waitFor();
    await shoot(p, `console-connections${suffix}`);
    await p.goto(`${h.server.url}/console/connections/${megan}`);
    await p.getByTestId("action-refresh").click();
    await p.getByTestId("operation").first().waitFor();
    await p.getByTestId("operation").first().getByRole("button").click();
    await p.getByTestId("messages").locator("li").first().waitFor();
    await shoot(p, `console-connection${suffix}`);
    await p.goto(`${h.server.url}/console/webhooks`);
    await p.getByTestId("delivery-row").first().waitFor();
    await shoot(p, `console-webhooks${suffix}`);
    await context.close();
  }
} finally {
  await browser.close();
  await h.close();
}
