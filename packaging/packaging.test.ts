import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../e2e/chromium.js";
import { clickForPopup, signInAs } from "../e2e/demoStack.js";
import { installProduct, PACKAGES } from "./installProduct.js";
import { freePort, productEnv, run, type Started, start } from "./processes.js";
import { undeclaredImports } from "./publishedImports.js";

// What a product team does: install the packed packages with npm in a folder of its own, outside
// this workspace, and use them with plain node, tsc and vite.
const dir = mkdtempSync(path.join(tmpdir(), "ads-connect-product-"));
const bin = (name: string) => path.join(dir, "node_modules", ".bin", name);
const secretKey = randomBytes(32).toString("base64url");
const END_USER_ID = "packaging-user";
const running: Started[] = [];
let browser: Browser | undefined;
let emulator: { url: string; clientId: string; clientSecret: string };
/** The msads-emulator bin: the Microsoft Advertising emulator and the Entra emulator whose tokens it accepts. */
let adsEmulator: { url: string; entraUrl: string; clientId: string; clientSecret: string };
let serverUrl: string;
let appUrl: string;
/** The product's own actions: one in JavaScript, one in TypeScript (which needs tsx, not installed here). */
const actionsDir = path.join(dir, "actions");

beforeAll(async () => {
  await installProduct(dir);
  mkdirSync(actionsDir);
  writeFileSync(
    path.join(actionsDir, "hello.mjs"),
    'import { z } from "zod";\nimport { defineAction } from "@ads-connect/server/actions";\nexport default defineAction({ name: "hello", input: z.object({}), output: z.object({}), async run() { return {}; } });\n',
  );
  writeFileSync(path.join(actionsDir, "typed.ts"), 'import { defineAction } from "@ads-connect/server/actions";\nexport const name: string = "typed";\n');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  for (const p of running.reverse()) await p.stop();
  rmSync(dir, { recursive: true, force: true });
});

const nodeScript = async (file: string, env: Record<string, string> = {}) =>
  JSON.parse(await run(process.execPath, [file], { cwd: dir, env: productEnv(env) })) as Record<string, unknown>;

describe("the packed packages installed with npm outside the workspace", () => {
  it("no published file imports a package the product does not get with it (a devDependency, or one not declared)", () => {
    for (const name of PACKAGES) expect(undeclaredImports(path.join(dir, "node_modules", "@ads-connect", name)), `@ads-connect/${name}`).toEqual([]);
  });

  it("the Vite + React + TypeScript host app type-checks with strict and skipLibCheck false, and vite builds it", async () => {
    const tsconfig = JSON.parse(readFileSync(path.join(dir, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, skipLibCheck: false });
    await run(process.execPath, [bin("tsc"), "--noEmit", "-p", "tsconfig.json"], { cwd: dir });
    await run(process.execPath, [bin("vite"), "build", "--logLevel", "warn"], { cwd: dir });
    expect(readFileSync(path.join(dir, "dist", "index.html"), "utf8")).toContain("<script");
  });

  it("the server's bin runs with plain node: --help, unknown command, migrate", async () => {
    const help = await run(process.execPath, [bin("ads-connect"), "--help"], { cwd: dir });
    for (const word of ["doctor", "migrate", "NODE_ENV=production", "ALLOWED_ORIGINS"]) expect(help).toContain(word);
    await expect(run(process.execPath, [bin("ads-connect"), "strat"], { cwd: dir })).rejects.toThrow(/Unknown command "strat"/);
    const dataDir = path.join(dir, "migrate-data");
    const migrated = await run(process.execPath, [bin("ads-connect"), "migrate"], {
      cwd: dir,
      env: productEnv({ DATA_DIR: dataDir, MICROSOFT_CLIENT_ID: "client", MICROSOFT_CLIENT_SECRET: "secret" }),
    });
    expect(migrated).toContain("migrated to the latest schema");
    const server = JSON.parse(readFileSync(path.join(dir, "node_modules/@ads-connect/server/package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(server.dependencies)).not.toContain("@ads-connect/entra-emulator");
    // The operator console's build ships inside the server package (served at /console).
    const consoleIndex = readFileSync(path.join(dir, "node_modules/@ads-connect/server/console-app/index.html"), "utf8");
    expect(consoleIndex).toMatch(/<script type="module" crossorigin src="\/console\/assets\/index-[\w-]+\.js"><\/script>/);
    expect(consoleIndex).not.toMatch(/<script(?![^>]*src=)[^>]*>/);
  });

  it("the emulator runs from its bin (printing its URL and client) and from its API", async () => {
    const started = await start(process.execPath, [bin("entra-emulator"), "--port", "0"], {
      cwd: dir,
      env: productEnv(),
      ready: /at (http:\/\/\S+)\n[\s\S]*client id\s+(\S+)\n\s*client secret\s+(\S+)\n/,
    });
    running.push(started);
    emulator = { url: started.match[1]!, clientId: started.match[2]!, clientSecret: started.match[3]! };
    const discovery = (await fetch(`${emulator.url}/common/v2.0/.well-known/openid-configuration`).then((r) => r.json())) as { issuer: string };
    expect(discovery.issuer).toContain("login.microsoftonline.com");
    const api = await nodeScript("emulator-api.mjs");
    expect(api).toMatchObject({ clientId: emulator.clientId });
    expect(api.authorizationEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/common\/oauth2\/v2\.0\/authorize$/);
  });

  it("the Microsoft Advertising emulator runs from its bin with its Entra emulator and answers in Microsoft's fault shape", async () => {
    const started = await start(process.execPath, [bin("msads-emulator"), "--port", "0", "--entra-port", "0"], {
      cwd: dir,
      env: productEnv(),
      ready: /MICROSOFT_ADS_API_URL\s+(http:\/\/\S+)\n[\s\S]*ENTRA_EMULATOR_URL\s+(http:\/\/\S+)\n[\s\S]*client id\s+(\S+)\n\s*client secret\s+(\S+)/,
    });
    running.push(started);
    adsEmulator = { url: started.match[1]!, entraUrl: started.match[2]!, clientId: started.match[3]!, clientSecret: started.match[4]! };
    const res = await fetch(`${started.match[1]!}/CustomerManagement/v13/User/Query`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ Type: "AdApiFaultDetail", Errors: [{ Code: 116, ErrorCode: "RequestMissingHeaders" }] });
  });

  it("the host app served by vite's dev server loads in Chromium without errors, and its button connects a user end to end", async () => {
    const appPort = await freePort();
    appUrl = `http://localhost:${appPort}`;
    const server = await start(process.execPath, [bin("ads-connect")], {
      cwd: dir,
      env: productEnv({
        PORT: "0",
        DATA_DIR: path.join(dir, "data"),
        // The Entra emulator paired with the Microsoft Advertising one, so the account discovery after sign-in works.
        ENTRA_EMULATOR_URL: adsEmulator.entraUrl,
        MICROSOFT_CLIENT_ID: adsEmulator.clientId,
        MICROSOFT_CLIENT_SECRET: adsEmulator.clientSecret,
        MICROSOFT_ADS_API_URL: adsEmulator.url,
        ALLOWED_ORIGINS: appUrl,
        ADS_CONNECT_SECRET_KEY: secretKey,
        REFRESH_AHEAD: "off",
        ACTIONS_DIR: actionsDir,
      }),
      ready: /"publicUrl":"(http:\/\/localhost:\d+)"[^\n]*"msg":"ads-connect listening"/,
    });
    running.push(server);
    serverUrl = server.match[1]!;
    running.push(
      await start(process.execPath, [bin("vite"), "--port", String(appPort), "--strictPort", "--host", "127.0.0.1"], {
        cwd: dir,
        env: productEnv({ ADS_CONNECT_URL: serverUrl, ADS_CONNECT_SECRET_KEY: secretKey }),
        ready: /ready in/,
      }),
    );

    browser = await launchChromium();
    const page: Page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    await page.goto(appUrl);
    const widget = page.getByTestId("component").locator("[data-adsc-state]");
    await expect.poll(() => widget.getAttribute("data-adsc-state"), { timeout: 30_000 }).toBe("idle");
    expect(await page.getByTestId("hook").getAttribute("data-status")).toBe("idle");
    expect(await page.getByTestId("core").getAttribute("data-event")).toBe("none");
    expect(problems).toEqual([]);

    const popup = await clickForPopup(page, widget.locator(":scope > button"));
    const closed = popup.waitForEvent("close");
    await signInAs(popup, "adele@contoso.example");
    await closed;
    await expect.poll(() => widget.getAttribute("data-adsc-state")).toBe("connected");
    // Adele's one Microsoft Advertising account, chosen without asking, with its Number.
    expect(await widget.getByRole("status").innerText()).toMatch(/^Connected: Contoso Ads · [0-9A-Z]+$/);
    expect(await page.getByTestId("connected-account").innerText()).toBe("adele@contoso.example");
    expect(problems).toEqual([]);
  });

  it("without tsx (an optional peer, not installed), a .mjs action loads and a .ts one is listed as failed with the hint to install tsx", async () => {
    expect(existsSync(path.join(dir, "node_modules", "tsx"))).toBe(false);
    const res = await fetch(`${serverUrl}/actions`, { headers: { authorization: `Bearer ${secretKey}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { actions: { name: string; file: string | null }[]; failed: { file: string; reason: string }[] };
    expect(body.actions).toContainEqual(expect.objectContaining({ name: "hello", file: "hello.mjs" }));
    expect(body.failed).toEqual([{ file: "typed.ts", reason: expect.stringMatching(/TypeScript actions need tsx.*npm i tsx/) }]);
  });

  it("a plain Node ESM backend with @ads-connect/node creates a session, lists that connection and reads its token", async () => {
    const out = await nodeScript("client.mjs", { ADS_CONNECT_URL: serverUrl, ADS_CONNECT_SECRET_KEY: secretKey, END_USER_ID });
    expect(out.sessionTokenLength).toBeGreaterThan(20);
    expect(out.connections).toEqual([{ username: "adele@contoso.example", status: "connected" }]);
    expect(out.accessTokenLength).toBeGreaterThan(20);
  });

  it('the widget renders on the server with react-dom/server in plain node, and its React entry starts with "use client"', async () => {
    const out = await nodeScript("ssr.mjs");
    expect(out.hasWindow).toBe(false);
    expect(out.html).toContain('data-adsc-state="idle"');
    expect(out.html).toContain("Connect Microsoft Ads");
    expect(out.connect).toBe("function");
    expect(out.entryStart).toMatch(/^"use client";/);
    expect(out.coreStart).not.toContain("use client");
  });
});
