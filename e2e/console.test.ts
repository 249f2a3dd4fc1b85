import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { connectAs, type Harness, startHarness } from "@ads-connect/server/testing";
import axeCore from "axe-core";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium.js";

/**
 * The operator console in Chromium over one real server (emulators, seeded connections), one
 * browser: sign-in, overview, search, a failing connection, every action, webhooks, sign-out, and
 * axe on every page in light and dark.
 */
const OPERATOR_KEY = "e2e-operator-key-0123456789abcdefghijklmnopq";
const CONSOLE_DIR = fileURLToPath(new URL("../packages/console/", import.meta.url));
const BUILT = fileURLToPath(new URL("../packages/server/console-app/index.html", import.meta.url));

let h: Harness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const ids = { adele: "", megan: "" };
let adeleAccount = { id: "", number: "" };

/** Resolves once `check` holds (polled), for the setup, where expect.poll is not available. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const api = async <T>(method: string, path: string) => (await h.api(method, path)).json as T;
const consoleUrl = (path = "") => `${h.server.url}/console${path}`;
/** axe-core's rules on the page as it is (axe is put in every page by an init script, which the page's CSP does not apply to). */
const axe = async (p: Page, name: string) => {
  const violations = await p.evaluate(async () => {
    const run = (window as unknown as { axe: typeof axeCore }).axe.run;
    const result = await run(document, { resultTypes: ["violations"] });
    return {
      rules: result.passes.length + result.violations.length,
      found: result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
    };
  });
  expect({ page: name, violations: violations.found }).toEqual({ page: name, violations: [] });
  // axe did run its rules on the page (not on an empty document).
  expect(violations.rules).toBeGreaterThan(10);
};
const operatorActions = async (connectionId: string) =>
  (
    await api<{ operations: { action: string; state: string; meta: { operatorAction?: string } }[] }>("GET", `/logs/operations?connection_id=${connectionId}`)
  ).operations
    .filter((o) => o.action === "operator_action")
    .map((o) => `${o.meta.operatorAction}:${o.state}`);

beforeAll(async () => {
  // The server serves the built app; build it when this file runs alone (pnpm test builds first).
  if (!existsSync(BUILT)) execFileSync("npx", ["vite", "build", "--logLevel", "error"], { cwd: CONSOLE_DIR, stdio: "inherit" });
  h = await startHarness({ env: { CONSOLE_OPERATOR_KEY: OPERATOR_KEY, WEBHOOK_MAX_ATTEMPTS: "1", LOG_LEVEL: "warn" } });
  browser = await launchChromium();
  const session = async (id: string, email: string) => (await h.createSession({ end_user: { id, email, display_name: id } })).token;
  await connectAs(h, "adele@contoso.example", { token: await session("user-adele", "adele.owner@product.example") });
  // Megan's webhook finds the receiver down and is given up at once (one attempt): the webhooks page's retry.
  h.webhooks.respondWith(503);
  await connectAs(h, "megan@contoso.example", { token: await session("user-megan", "megan.owner@product.example") });
  const connections = (
    await api<{ connections: { connection_id: string; account: { username: string }; accounts: { id: string; number: string }[] }[] }>("GET", "/connections")
  ).connections;
  for (const c of connections) ids[c.account.username.startsWith("adele") ? "adele" : "megan"] = c.connection_id;
  adeleAccount = connections.find((c) => c.connection_id === ids.adele)!.accounts[0]!;
  // Megan's grant is revoked: the product's next forced read fails, and the connection is expired.
  h.emulator.revokeRefreshTokens("megan@contoso.example");
  await h.api("GET", `/connections/${ids.megan}?force_refresh=true`);
  await until(
    async () => (await api<{ connections: { status: string }[] }>("GET", `/connections?connectionId=${ids.megan}`)).connections[0]?.status === "expired",
    "megan's connection to expire",
  );
  await until(
    async () => (await api<{ deliveries: { status: string }[] }>("GET", "/webhooks/deliveries")).deliveries.some((d) => d.status === "failed"),
    "a failed webhook delivery",
  );
  h.webhooks.respondWith(200);
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript({ content: axeCore.source });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: h.server.url });
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("the operator console in Chromium", () => {
  it("refuses a wrong key (and the API secret key), then signs in with the operator key", async () => {
    await page.goto(consoleUrl());
    await page.getByLabel("Operator key").fill("not-the-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByTestId("sign-in-error").innerText()).toContain("not the operator key");
    await page.getByLabel("Operator key").fill(h.secretKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByTestId("sign-in-error").innerText()).toContain("not the operator key");
    await page.getByLabel("Operator key").fill(OPERATOR_KEY);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === "adsc_console")!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/console" });
    expect(cookie.expires).toBeGreaterThan(Date.now() / 1000);
  });

  it("the overview's numbers are the API's", async () => {
    const status = (await api<{ data: { connections: { total: number; by_status: Record<string, number> } } }>("GET", "/integrations/microsoft-ads/status"))
      .data;
    await expect.poll(() => page.getByTestId("count-total").innerText()).toBe(String(status.connections.total));
    expect(status.connections.total).toBe(2);
    for (const s of ["connected", "expired", "error", "refreshing"])
      expect(await page.getByTestId(`count-${s}`).innerText()).toBe(String(status.connections.by_status[s]));
    const overview = (await (await page.request.get(consoleUrl("/api/overview?range=24h"))).json()) as { totals: Record<string, number> };
    expect(await page.getByTestId("total-connects").innerText()).toBe(String(overview.totals.connects_succeeded));
    expect(overview.totals.connects_succeeded).toBe(2);
    expect(await page.getByTestId("total-refreshes-failed").innerText()).toBe(String(overview.totals.refreshes_failed));
    expect(overview.totals.refreshes_failed).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId("top-errors").innerText()).toContain("grant_expired");
    expect(await page.locator(".chart canvas").count()).toBeGreaterThanOrEqual(3);
  });

  it("search finds an end user by email and by account number", async () => {
    await page.getByRole("link", { name: "Connections" }).click();
    await expect.poll(() => page.getByTestId("result-count").innerText()).toBe("2 connections");
    const search = async (q: string) => {
      await page.getByLabel("Search", { exact: true }).fill(q);
      await page.getByRole("button", { name: "Search" }).click();
      await expect.poll(() => page.getByTestId("result-count").innerText()).toBe("1 connection");
      return page.getByTestId("connection-row").innerText();
    };
    expect(await search("Megan.Owner@product.example")).toContain("user-megan");
    expect(await search(adeleAccount.number)).toContain("user-adele");
    expect(page.url()).toContain(`q=${adeleAccount.number}`);
  });

  it("a failing connection's page shows its error with the next step, and its log", async () => {
    await page.goto(consoleUrl(`/connections?status=expired`));
    await page.getByRole("link", { name: "user-megan" }).click();
    await expect.poll(() => page.getByTestId("connection-errors").innerText()).toContain("grant_expired");
    expect(await page.getByTestId("connection-errors").innerText()).toMatch(/Next step: .+/);
    // The product's refresh that failed is in the log, with its messages.
    const refresh = page.locator('[data-testid="operation"][data-type="auth"][data-action="refresh_token"][data-state="failed"]').first();
    await refresh.waitFor();
    expect(await refresh.innerText()).toContain("grant_expired");
    await refresh.getByRole("button").click();
    await expect.poll(() => refresh.getByTestId("messages").locator("li").count()).toBeGreaterThan(0);
    // Forcing a refresh fails the same way: the notice says so and the log shows the failed operation.
    await page.getByTestId("action-refresh").click();
    await expect.poll(() => page.getByTestId("action-notice").innerText()).toMatch(/grant|sign in|expired/i);
    const failed = page.locator('[data-testid="operation"][data-operator-action="force_refresh"][data-state="failed"]');
    await failed.waitFor();
    expect(await failed.innerText()).toContain("grant_expired");
    await failed.getByRole("button").click();
    await expect.poll(() => failed.getByTestId("messages").innerText()).toContain("force refresh");
  });

  it("each action works and is logged as an operator action", async () => {
    await page.goto(consoleUrl(`/connections/${ids.adele}`));
    await page.getByTestId("action-refresh").click();
    await expect.poll(() => page.getByTestId("action-notice").innerText()).toBe("Token refreshed.");
    await page.getByTestId("action-sync").click();
    await expect.poll(() => page.getByTestId("action-notice").innerText()).toBe("Accounts re-synced.");
    await page.getByTestId("action-reconnect").click();
    await expect.poll(() => page.getByTestId("action-notice").innerText()).toContain("Reconnect link");
    const link = await page.getByTestId("reconnect-link").inputValue();
    expect(link).toContain("connect_session_token=");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await page.locator('[data-testid="operation"][data-operator-action="reconnect_link"]').waitFor();
    expect(await operatorActions(ids.adele)).toEqual(expect.arrayContaining(["force_refresh:success", "resync_accounts:success", "reconnect_link:success"]));
    await axe(page, "connection (light)");

    // Delete: only once the id is typed.
    expect(await page.getByTestId("action-delete").isDisabled()).toBe(true);
    await page.getByLabel(/To delete this connection/).fill(ids.adele);
    await page.getByTestId("action-delete").click();
    await page.getByRole("heading", { name: "Connections", level: 1 }).waitFor();
    expect((await h.api("GET", `/connections/${ids.adele}`)).status).toBe(404);
    expect(await operatorActions(ids.adele)).toContain("delete_connection:success");
  });

  it("webhooks: deliveries with status and attempts; retry one now", async () => {
    await page.getByRole("link", { name: "Webhooks" }).click();
    const failed = page.locator('[data-testid="delivery-row"][data-status="failed"]').first();
    await failed.waitFor();
    expect(await failed.innerText()).toContain("HTTP 503");
    const id = (await failed.getAttribute("data-id"))!;
    await failed.getByTestId("retry").click();
    await expect.poll(() => page.getByTestId("webhook-notice").innerText()).toContain("will be retried now");
    await expect
      .poll(
        async () => (await api<{ deliveries: { id: string; status: string }[] }>("GET", "/webhooks/deliveries")).deliveries.find((d) => d.id === id)?.status,
      )
      .toBe("delivered");
    await page.getByLabel("Status").selectOption("delivered");
    await page.locator(`[data-testid="delivery-row"][data-id="${id}"]`).waitFor();
    const ops = (await api<{ operations: { meta: { operatorAction?: string }; state: string }[] }>("GET", "/logs/operations?type=admin:operator_action"))
      .operations;
    expect(ops.some((o) => o.meta.operatorAction === "retry_webhook" && o.state === "success")).toBe(true);
  });

  it("axe finds nothing on every page, light and dark, and the pages fit a phone", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      for (const [name, path] of [
        ["overview", ""],
        ["connections", "/connections"],
        ["connection", `/connections/${ids.megan}`],
        ["webhooks", "/webhooks"],
      ] as const) {
        await page.goto(consoleUrl(path));
        await page.locator("h1").first().waitFor();
        await page.locator(".loading").waitFor({ state: "detached" });
        if (name === "connection") await page.getByTestId("timeline").locator("li").first().waitFor();
        await axe(page, `${name} (${colorScheme})`);
      }
    }
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ["", "/connections", `/connections/${ids.megan}`, "/webhooks"]) {
      await page.goto(consoleUrl(path));
      await page.locator("h1").first().waitFor();
      // Nothing wider than the screen (wide tables scroll inside their own box).
      const overflowing = await page.evaluate(() =>
        [...document.querySelectorAll("body *")]
          .filter((el) => !el.closest(".table-wrap") && el.getBoundingClientRect().right > window.innerWidth + 1)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
      );
      expect({ path, overflowing }).toEqual({ path, overflowing: [] });
    }
    // The menu opens from the keyboard at phone width.
    await page.getByRole("button", { name: "Menu" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("link", { name: "Webhooks" }).waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("signs out: the sign-in page again, and the old cookie no longer works", async () => {
    const cookie = (await context.cookies()).find((c) => c.name === "adsc_console")!;
    await page.goto(consoleUrl());
    await page.getByTestId("sign-out").click();
    await page.getByLabel("Operator key").waitFor();
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      await axe(page, `sign-in (${colorScheme})`);
    }
    const replay = await h.api("GET", "/console/api/overview", undefined, { authorization: "", cookie: `${cookie.name}=${cookie.value}` });
    expect(replay).toMatchObject({ status: 401, json: { error: { code: "console_sign_in_required" } } });
  });
});
