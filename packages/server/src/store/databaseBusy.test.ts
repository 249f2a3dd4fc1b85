import SQLite from "better-sqlite3";
import { afterEach, beforeEach, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { beginSignIn, type Harness, resultOf, signInAs, startHarness } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";

let h: Harness;
let locker: SQLite.Database | undefined;
beforeEach(async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
});
afterEach(async () => {
  locker?.close();
  locker = undefined;
  await h.close();
});

/** Another process's connection takes the database's write lock and keeps it. */
function lockDatabase(): SQLite.Database {
  locker = new SQLite(h.server.config.databaseFile);
  locker.exec("BEGIN EXCLUSIVE");
  locker.prepare("UPDATE connect_sessions SET tags = tags WHERE 0").run();
  return locker;
}

/** Polls /health until `done` settles; resolves with the slowest answer's time in ms. */
async function slowestHealth(done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => (finished = true)).catch(() => {});
  let slowest = 0;
  while (!finished) {
    const t = performance.now();
    const res = await httpRequest(`${h.server.url}/health`);
    expect(res.status).toBe(200);
    slowest = Math.max(slowest, performance.now() - t);
    await new Promise((r) => setTimeout(r, 20));
  }
  return slowest;
}

const status = async (token: string) => {
  const res = await httpRequest(`${h.server.url}/connect/session/status`, { headers: { authorization: `Bearer ${token}` } });
  return (JSON.parse(res.text) as { data: { status: string; result: { type: string; error?: { code: string } } | null } }).data;
};

it("a database locked by another process after the attempt is consumed ends in a result page the widget understands, the session is not stuck, and /health stays fast", async () => {
  const { token } = await h.createSession();
  const browser = new BrowserClient();
  const loginPage = await beginSignIn(browser, h.startUrl(token));
  const hold = h.emulator.holdNextTokenResponse("authorization_code");
  const page = signInAs(browser, loginPage, "adele@contoso.example");
  await hold.held;

  // The attempt is consumed; the code exchange is under way. Now the database is locked.
  lockDatabase();
  hold.release();
  const slowest = await slowestHealth(page);
  expect(slowest).toBeLessThan(500);

  const callbackPage = await page;
  expect(callbackPage.body).toContain("postMessage");
  const result = resultOf(callbackPage);
  expect(result.type).toBe("ads-connect:error");
  expect(result.type === "ads-connect:error" && result.error).toMatchObject({ code: "database_busy", actor: "none" });

  // A reload while the lock is still held shows the same result at once instead of waiting 15 s for a 409.
  const callbackUrl = browser.history.find((u) => u.includes("/oauth/callback"))!;
  const t = performance.now();
  const reloaded = resultOf(await browser.get(callbackUrl));
  expect(performance.now() - t).toBeLessThan(3000);
  expect(reloaded.type === "ads-connect:error" && reloaded.error.code).toBe("database_busy");

  // Once the lock goes, the result is recorded and the widget's poll ends with it.
  locker!.exec("ROLLBACK");
  await expect.poll(async () => (await status(token)).status, { timeout: 10_000, interval: 100 }).toBe("error");
  expect((await status(token)).result?.error?.code).toBe("database_busy");
});

it("an API write while the database is locked answers 503 database_busy with Retry-After, promptly, without stalling other requests", async () => {
  lockDatabase();
  const t = performance.now();
  const created = h.api("POST", "/connect/sessions", { end_user: { id: "busy-user" } });
  const slowest = await slowestHealth(created);
  const res = await created;
  const took = performance.now() - t;
  expect(slowest).toBeLessThan(500);
  expect(res.status).toBe(503);
  expect(res.json).toMatchObject({ error: { code: "database_busy" } });
  expect(took).toBeLessThan(4000);

  const raw = await httpRequest(`${h.server.url}/connect/sessions`, {
    method: "POST",
    headers: { authorization: `Bearer ${h.secretKey}`, "content-type": "application/json" },
    body: JSON.stringify({ end_user: { id: "busy-user" } }),
  });
  expect(Number(raw.headers.get("retry-after"))).toBeGreaterThan(0);

  locker!.exec("ROLLBACK");
  expect((await h.api("POST", "/connect/sessions", { end_user: { id: "busy-user" } })).status).toBe(201);
});
