import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, type EntraEmulator, startEntraEmulator } from "@ads-connect/entra-emulator";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { beginSignIn, resultOf, signInAs, WIDGET_ORIGIN } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";
import { createTestDatabase, type TestDatabase } from "../testing/testDatabase.js";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const SECRET = "crash-test-secret-key-0123456789abcdefghij";

let emulator: EntraEmulator;
let dataDir: string;
let database: TestDatabase;
beforeAll(async () => {
  emulator = await startEntraEmulator();
  dataDir = mkdtempSync(path.join(tmpdir(), "ads-connect-crash-"));
  database = await createTestDatabase();
});
afterAll(async () => {
  await emulator.close();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The server's own bin in a child process, as production runs it; resolves with its URL once listening. */
function startServerProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: {
      ...process.env,
      PORT: "0",
      DATA_DIR: dataDir,
      ADS_CONNECT_SECRET_KEY: SECRET,
      ADS_CONNECT_WEBHOOK_SIGNING_KEY: "crash-test-webhook-key-0123456789abcdefgh",
      ALLOWED_ORIGINS: WIDGET_ORIGIN,
      MICROSOFT_CLIENT_ID: DEV_CLIENT_ID,
      MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET,
      ENTRA_EMULATOR_URL: emulator.url,
      REFRESH_AHEAD: "off",
      // The killed process held the connection's refresh lease: the next one waits for it to expire.
      REFRESH_LEASE_SECONDS: "2",
      LOG_LEVEL: "info",
      ...database.env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let buffered = "";
    child.once("exit", (code) => reject(new Error(`server exited early (${code})`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const listening = buffered.split("\n").find((l) => l.includes('"ads-connect listening"'));
      if (listening) resolve({ child, url: (JSON.parse(listening) as { publicUrl: string }).publicUrl });
    });
  });
}

const api = (url: string, method: string, p: string, body?: unknown) =>
  httpRequest(`${url}${p}`, {
    method,
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then((r) => ({ status: r.status, json: JSON.parse(r.text) as unknown }));

it("a server killed (SIGKILL) in the middle of a refresh comes back with a working connection and no lost refresh token", async () => {
  const first = await startServerProcess();
  const session = await api(first.url, "POST", "/connect/sessions", { end_user: { id: "crash-user" } });
  const token = (session.json as { data: { token: string } }).data.token;
  const browser = new BrowserClient();
  const start = `${first.url}/oauth/connect/microsoft-ads?${new URLSearchParams({ connect_session_token: token, origin: WIDGET_ORIGIN })}`;
  const result = resultOf(await signInAs(browser, await beginSignIn(browser, start), "adele@contoso.example"));
  if (result.type !== "ads-connect:success") throw new Error("connect failed");
  const id = result.connection_id;

  // Microsoft has rotated the refresh token and issued new tokens, but its answer never arrives:
  // the process dies first.
  const hold = emulator.holdNextTokenResponse("refresh_token");
  const inFlight = api(first.url, "GET", `/connections/${id}?force_refresh=true`).catch((err: unknown) => err);
  await hold.held;
  const exited = new Promise((resolve) => first.child.once("exit", resolve));
  first.child.kill("SIGKILL");
  await exited;
  hold.release();
  expect(await inFlight).toBeInstanceOf(Error);

  const second = await startServerProcess();
  try {
    for (let i = 0; i < 2; i++) {
      const res = await api(second.url, "GET", `/connections/${id}?force_refresh=true`);
      expect(res.status).toBe(200);
      const body = res.json as { status: string; credentials: { access_token: string } };
      expect(body.status).toBe("connected");
      expect(emulator.isAccessTokenValid(body.credentials.access_token)).toBe(true);
    }
  } finally {
    const exited2 = new Promise((resolve) => second.child.once("exit", resolve));
    second.child.kill("SIGTERM");
    await exited2;
  }
});
