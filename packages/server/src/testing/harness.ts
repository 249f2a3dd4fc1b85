import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import {
  DEV_CLIENT_ID,
  DEV_CLIENT_SECRET,
  type EntraEmulator,
  type EntraEmulatorOptions,
  type MicrosoftAdsEmulator,
  type MicrosoftAdsEmulatorOptions,
  startEntraEmulator,
  startMicrosoftAdsEmulator,
} from "@ads-connect/entra-emulator";
import { type ConnectResult, ConnectResultSchema } from "@ads-connect/shared";
import { type RunningServer, startAdsConnect } from "../server.js";
import { BrowserClient, type Page } from "./browserClient.js";
import { httpRequest } from "./httpRequest.js";
import { createTestDatabase, testDatabaseKind } from "./testDatabase.js";
import { startWebhookReceiver } from "./webhookReceiver.js";

export const WIDGET_ORIGIN = "http://app.localhost:5173";

export interface Harness {
  server: RunningServer;
  emulator: EntraEmulator;
  /** The Microsoft Advertising API emulator (MICROSOFT_ADS_API_URL points here), accepting `emulator`'s tokens. */
  ads: MicrosoftAdsEmulator;
  webhooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
  /** Plays Slack's incoming webhook (SLACK_WEBHOOK_URL points here). */
  slack: Awaited<ReturnType<typeof startWebhookReceiver>>;
  /** Every log line the server wrote. */
  logs: string[];
  secretKey: string;
  webhookSigningKey: string;
  api(
    method: string,
    pathAndQuery: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: unknown; text: string; headers: Headers }>;
  createSession(body?: unknown): Promise<{ token: string; connect_link: string; expires_at: string }>;
  startUrl(token: string, origin?: string): string;
  /** Another instance on the same database and configuration (its own port), as a scaled-out deployment runs; the caller closes it. */
  startInstance(env?: Record<string, string>): Promise<RunningServer>;
  /** Stops the server and starts it again on the same database (and port), as a deploy or crash would; `env` changes settings for the new process. */
  restart(env?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  emulator?: EntraEmulatorOptions;
  ads?: Omit<MicrosoftAdsEmulatorOptions, "entra">;
  /** Default: ADS_CONNECT_TEST_DATABASE (the `-pg` test projects set postgres), else SQLite. */
  database?: "sqlite" | "postgres";
}

/**
 * The real thing on port 0: Entra emulator, ads-connect server on a fresh database (a SQLite file,
 * or its own PostgreSQL database in the `-pg` test projects), webhook receiver.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const emulator = await startEntraEmulator(options.emulator);
  const ads = await startMicrosoftAdsEmulator({ ...options.ads, entra: emulator });
  const webhooks = await startWebhookReceiver();
  const slack = await startWebhookReceiver();
  const dataDir = mkdtempSync(path.join(tmpdir(), "ads-connect-test-"));
  const database = await createTestDatabase(options.database ?? testDatabaseKind());
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString("utf8"));
      done();
    },
  });
  const secretKey = "test-secret-key-0123456789abcdefghijklmnop";
  const webhookSigningKey = "test-webhook-signing-key-0123456789abcdef";
  const env: Record<string, string> = {
    PORT: "0",
    DATA_DIR: dataDir,
    ADS_CONNECT_SECRET_KEY: secretKey,
    ADS_CONNECT_WEBHOOK_SIGNING_KEY: webhookSigningKey,
    ALLOWED_ORIGINS: WIDGET_ORIGIN,
    MICROSOFT_CLIENT_ID: DEV_CLIENT_ID,
    MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET,
    ENTRA_EMULATOR_URL: emulator.url,
    MICROSOFT_ADS_API_URL: ads.url,
    WEBHOOK_URL: webhooks.url,
    SLACK_WEBHOOK_URL: slack.url,
    LOG_LEVEL: "debug",
    ...database.env,
    ...options.env,
  };
  let server = await startAdsConnect({ env, logDestination });
  const api: Harness["api"] = async (method, pathAndQuery, body, headers = {}) => {
    const response = await httpRequest(`${harness.server.url}${pathAndQuery}`, {
      method,
      headers: { authorization: `Bearer ${secretKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = response.text;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, headers: response.headers };
  };
  const harness: Harness = {
    server,
    emulator,
    ads,
    webhooks,
    slack,
    logs,
    secretKey,
    webhookSigningKey,
    api,
    async createSession(body = { end_user: { id: "end-user-1", email: "owner@product.example", display_name: "Owner" } }) {
      const res = await api("POST", "/connect/sessions", body);
      if (res.status !== 201) throw new Error(`createSession: ${res.status} ${res.text}`);
      return (res.json as { data: { token: string; connect_link: string; expires_at: string } }).data;
    },
    startUrl(token, origin = WIDGET_ORIGIN) {
      return `${harness.server.url}/oauth/connect/microsoft-ads?${new URLSearchParams({ connect_session_token: token, origin })}`;
    },
    startInstance(extra = {}) {
      return startAdsConnect({ env: { ...env, ...extra, PORT: "0" }, logDestination });
    },
    async restart(changes = {}) {
      await harness.server.close();
      Object.assign(env, changes);
      server = await startAdsConnect({ env: { ...env, PORT: String(new URL(harness.server.url).port) }, logDestination });
      harness.server = server;
    },
    async close() {
      await harness.server.close();
      await ads.close();
      await emulator.close();
      await webhooks.close();
      await slack.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Picks a user on the emulator's login page, as a person would by clicking their name. */
export async function signInAs(browser: BrowserClient, loginPage: Page, username: string, options: { follow?: boolean } = {}): Promise<Page> {
  const interaction = /name="interaction" value="([^"]+)"/.exec(loginPage.body)?.[1];
  const action =
    /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(loginPage.body)?.[1] ?? /<form[^>]*action="([^"]+)"[^>]*method="post"/i.exec(loginPage.body)?.[1];
  if (!interaction || !action) throw new Error(`Not a login page (${loginPage.status} ${loginPage.url}): ${loginPage.body.slice(0, 300)}`);
  return browser.postForm(new URL(action.replace(/&amp;/g, "&"), loginPage.url).href, { interaction, username }, options);
}

/** The result a result page posts to the widget (parsed with the shared schema). */
export function resultOf(page: Page): ConnectResult {
  const json = /var result = (\{.*\});/.exec(page.body)?.[1];
  if (!json) throw new Error(`No posted result on page (${page.status} ${page.url}): ${page.body.slice(0, 400)}`);
  return ConnectResultSchema.parse(JSON.parse(json));
}

/** The start page's form (Continue / Cancel), as a browser would submit it; throws on any other page. */
export function startForm(page: Page): { action: string; proof: string } {
  const action = /<form id="adsc-start" method="post" action="([^"]+)">/.exec(page.body)?.[1];
  const proof = /<input type="hidden" name="proof" value="([^"]*)">/.exec(page.body)?.[1];
  if (!action || proof === undefined) throw new Error(`Not a start page (${page.status} ${page.url}): ${page.body.slice(0, 400)}`);
  return { action: action.replace(/&amp;/g, "&"), proof };
}

/** Submits the start page's form: Continue (what the page's script does after the widget's handshake) or Cancel. */
export async function submitStart(
  browser: BrowserClient,
  startPage: Page,
  decision: "continue" | "cancel" = "continue",
  options: { follow?: boolean } = {},
): Promise<Page> {
  const form = startForm(startPage);
  return browser.postForm(new URL(form.action, startPage.url).href, { proof: form.proof, decision }, options);
}

/**
 * Opens a popup start URL and goes on to Microsoft, as the widget's popup does once the handshake
 * (or the person's Continue) let it. With `follow: false` the answer is the redirect to Microsoft's
 * authorize URL (its `location` header).
 */
export async function beginSignIn(browser: BrowserClient, startUrl: string, options: { follow?: boolean } = {}): Promise<Page> {
  const startPage = await browser.get(startUrl);
  return submitStart(browser, startPage, "continue", options);
}

/** The account picker's form on a page, or null when the page is something else. */
export function pickerForm(page: Page): { action: string; token: string; mode: string; accountIds: string[] } | null {
  const action = /<form id="adsc-picker" method="post" action="([^"]+)">/.exec(page.body)?.[1];
  const token = /<input type="hidden" name="picker" value="([^"]*)">/.exec(page.body)?.[1];
  const mode = /data-account-picker="(\w+)"/.exec(page.body)?.[1];
  if (!action || token === undefined || !mode) return null;
  const accountIds = [...page.body.matchAll(/name="account_id" value="([^"]+)"/g)].map((m) => m[1]!);
  return { action: action.replace(/&amp;/g, "&"), token, mode, accountIds };
}

/** Submits the picker as a browser would: the page's token and the ticked account ids. */
export async function submitPicker(browser: BrowserClient, pickerPage: Page, accountIds: string[], options: { token?: string } = {}): Promise<Page> {
  const form = pickerForm(pickerPage);
  if (!form) throw new Error(`Not an account picker (${pickerPage.status} ${pickerPage.url}): ${pickerPage.body.slice(0, 400)}`);
  const body = new URLSearchParams({ picker: options.token ?? form.token });
  for (const id of accountIds) body.append("account_id", id);
  return browser.postBody(new URL(form.action, pickerPage.url).href, body.toString());
}

/**
 * Whole flow for one user: start → login page → pick user → callback → (account picker →) result
 * page. A picker is answered with `choose` (default: every account, or the first in single mode).
 */
export async function connectAs(
  h: Harness,
  username: string,
  options: { token?: string; browser?: BrowserClient; choose?: (accountIds: string[]) => string[] } = {},
) {
  const browser = options.browser ?? new BrowserClient();
  const token = options.token ?? (await h.createSession()).token;
  const loginPage = await beginSignIn(browser, h.startUrl(token));
  let page = await signInAs(browser, loginPage, username);
  const picker = pickerForm(page);
  if (picker) {
    const chosen = options.choose ? options.choose(picker.accountIds) : picker.mode === "single" ? picker.accountIds.slice(0, 1) : picker.accountIds;
    page = await submitPicker(browser, page, chosen);
  }
  return { browser, token, page, result: resultOf(page) };
}
