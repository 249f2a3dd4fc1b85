import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, type EntraEmulator, startEntraEmulator } from "@ads-connect/entra-emulator";
import SQLite from "better-sqlite3";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { beginSignIn, resultOf, signInAs, WIDGET_ORIGIN } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";
import { type ServerProcess, startServerProcess } from "../testing/serverProcess.js";

const SECRET = "shutdown-test-secret-key-0123456789abcdefg";

// Each test runs one or two server processes; on a busy machine starting one takes seconds.
const TIMEOUT = 90_000;

let emulator: EntraEmulator;
let dataDir: string;
const started: ServerProcess[] = [];
beforeAll(async () => {
  emulator = await startEntraEmulator();
});
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "ads-connect-shutdown-"));
  return async () => {
    // Whatever a failed test left running.
    for (const server of started.splice(0)) {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
      await server.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
});
afterAll(async () => {
  await emulator.close();
});

const start = async (env: Record<string, string> = {}) => {
  const server = await startServerProcess({
    DATA_DIR: dataDir,
    ADS_CONNECT_SECRET_KEY: SECRET,
    ADS_CONNECT_WEBHOOK_SIGNING_KEY: "shutdown-test-webhook-key-0123456789abcdef",
    ALLOWED_ORIGINS: WIDGET_ORIGIN,
    MICROSOFT_CLIENT_ID: DEV_CLIENT_ID,
    MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET,
    ENTRA_EMULATOR_URL: emulator.url,
    REFRESH_AHEAD: "off",
    ...env,
  });
  started.push(server);
  return server;
};

async function newSession(server: ServerProcess): Promise<string> {
  const res = await httpRequest(`${server.url}/connect/sessions`, {
    method: "POST",
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: JSON.stringify({ end_user: { id: "shutdown-user" } }),
  });
  return (JSON.parse(res.text) as { data: { token: string } }).data.token;
}

async function sessionStatus(server: ServerProcess, token: string) {
  const res = await httpRequest(`${server.url}/connect/session/status`, { headers: { authorization: `Bearer ${token}` } });
  return (JSON.parse(res.text) as { data: { status: string; result: { type: string; error?: { code: string } } | null } }).data;
}

/** A sign-in whose code exchange the emulator holds: the attempt is consumed and the callback is in flight. */
async function callbackInFlight(server: ServerProcess) {
  const token = await newSession(server);
  const browser = new BrowserClient();
  const startUrl = `${server.url}/oauth/connect/microsoft-ads?${new URLSearchParams({ connect_session_token: token, origin: WIDGET_ORIGIN })}`;
  const loginPage = await beginSignIn(browser, startUrl);
  const hold = emulator.holdNextTokenResponse("authorization_code");
  const page = signInAs(browser, loginPage, "adele@contoso.example");
  page.catch(() => {});
  await hold.held;
  return { token, browser, hold, page };
}

/** True once a fresh TCP connection to the server is refused. */
async function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname === "localhost" ? "127.0.0.1" : hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code === "ECONNREFUSED"));
  });
}

it(
  "SIGTERM lets a callback in flight finish, refuses new connections meanwhile, and exits 0 within the deadline",
  async () => {
    const server = await start({ SHUTDOWN_TIMEOUT_SECONDS: "15" });
    const { hold, page } = await callbackInFlight(server);

    const signalled = Date.now();
    server.child.kill("SIGTERM");
    // The listener closes at once, while the sign-in is still being finished.
    await expect.poll(() => refusesConnections(server.url), { timeout: 5000, interval: 50 }).toBe(true);
    expect(server.child.exitCode).toBeNull();

    hold.release();
    const result = resultOf(await page);
    expect(result.type).toBe("ads-connect:success");
    expect(await server.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(15_000);

    // The connection was saved before the database closed.
    const db = new SQLite(path.join(dataDir, "ads-connect.sqlite"), { readonly: true });
    const sessions = db.prepare("SELECT completed_at FROM connect_sessions").all() as { completed_at: number | null }[];
    const connections = db.prepare("SELECT count(*) AS n FROM connections").get() as { n: number };
    db.close();
    expect(sessions.map((r) => r.completed_at !== null)).toEqual([true]);
    expect(connections.n).toBe(1);
  },
  TIMEOUT,
);

it(
  "a sign-in still unfinished at the shutdown deadline gets a server_restarting result the widget's poll reads at once",
  async () => {
    const server = await start({ SHUTDOWN_TIMEOUT_SECONDS: "1" });
    const { token, hold, page } = await callbackInFlight(server);

    const signalled = Date.now();
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(4000);
    await expect(page).rejects.toThrow();
    hold.release();

    const again = await start();
    try {
      const status = await sessionStatus(again, token);
      expect(status.status).toBe("error");
      expect(status.result?.error?.code).toBe("server_restarting");
    } finally {
      again.child.kill("SIGTERM");
      await again.exited;
    }
  },
  TIMEOUT,
);

it(
  "a sign-in left unfinished by a crash reads as interrupted (status and a reload of the callback) instead of authorizing for 10 minutes",
  async () => {
    const server = await start();
    const { token, browser, hold, page } = await callbackInFlight(server);
    server.child.kill("SIGKILL");
    await server.exited;
    await expect(page).rejects.toThrow();
    hold.release();
    const callbackUrl = browser.history.find((u) => u.includes("/oauth/callback"))!;

    // The crash happened two minutes ago, longer than any callback may take.
    const db = new SQLite(path.join(dataDir, "ads-connect.sqlite"));
    db.prepare("UPDATE oauth_attempts SET consumed_at = consumed_at - 120000 WHERE consumed_at IS NOT NULL").run();
    db.close();

    const again = await start();
    try {
      const status = await sessionStatus(again, token);
      expect(status.status).toBe("error");
      expect(status.result?.error?.code).toBe("sign_in_interrupted");
      // The start recorded it (so webhooks and the integration status hear of it too).
      const check = new SQLite(path.join(dataDir, "ads-connect.sqlite"), { readonly: true });
      const rows = check.prepare("SELECT result FROM oauth_attempts WHERE consumed_at IS NOT NULL").all() as { result: string | null }[];
      check.close();
      expect(rows.map((r) => r.result && (JSON.parse(r.result) as { error: { code: string } }).error.code)).toEqual(["sign_in_interrupted"]);
      // The same callback URL, reloaded once the server is back (on its new port).
      const reloaded = await browser.get(`${again.url}${new URL(callbackUrl).pathname}${new URL(callbackUrl).search}`);
      const result = resultOf(reloaded);
      expect(result.type === "ads-connect:error" && result.error.code).toBe("sign_in_interrupted");
    } finally {
      again.child.kill("SIGTERM");
      await again.exited;
    }
  },
  TIMEOUT,
);
