import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET } from "@ads-connect/entra-emulator";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { createDatabase } from "../store/createDatabase.js";
import type { DatabaseHandle } from "../store/db.js";
import { Stores } from "../store/stores.js";
import { createTestDatabase, type TestDatabase } from "../testing/testDatabase.js";
import { hashToken } from "../tokens/secureToken.js";
import { ConnectSessionService } from "./connectSessionService.js";

// `GET /connect/session/status`'s answer as the service computes it from the stored session.
let db: DatabaseHandle;
let database: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  db = await createDatabase({ url: database.url, file: ":memory:" });
  dataDir = mkdtempSync(path.join(tmpdir(), "ads-connect-session-status-"));
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const SKEW_MS = 30_000;

// Found by the chaos run (issue 25): instances sharing a database whose clocks are apart. The
// session's status compared the attempt's start (one instance's clock) with its result's time
// (another's): a result recorded by an instance 30 s behind left the widget seeing "authorizing".
it("a result recorded by an instance whose clock is behind the one that started the attempt is final at once", async () => {
  const stores = new Stores(db);
  const config = loadConfig({ DATA_DIR: dataDir, MICROSOFT_CLIENT_ID: DEV_CLIENT_ID, MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET });
  const t = Date.now();
  // Instance "ahead" runs 30 s ahead of instance "behind"; both read the same sessions.
  const ahead = new ConnectSessionService(config, stores.sessions, stores.connections, () => Date.now() + SKEW_MS);
  const behind = new ConnectSessionService(config, stores.sessions, stores.connections, () => Date.now());
  const { data } = await ahead.create({ end_user: { id: "skewed-user" } });
  const session = (await stores.sessions.findByTokenHash(hashToken(data.token)))!;

  await ahead.markAttemptStarted(session.id, t + SKEW_MS, t + SKEW_MS + 600_000, "flow-1");
  expect((await behind.status(data.token)).data.status).toBe("authorizing");
  const failure = JSON.stringify({ type: "ads-connect:error", error: { code: "access_denied", message: "Declined." } });
  await stores.sessions.recordResult(session.id, failure, t + 1000);
  for (const instance of [behind, ahead])
    expect((await instance.status(data.token)).data).toMatchObject({ status: "error", result: { type: "ads-connect:error" } });

  // The person tries again on the instance that is behind: that attempt is in progress, though its clock says it started before the result.
  await behind.markAttemptStarted(session.id, t + 2000, t + 600_000, "flow-2");
  expect((await ahead.status(data.token)).data.status).toBe("authorizing");
});

// Found by the COOP browser test under load: the callback commits the connection with `accounts: []`
// and arms the picker; its page (or the choice made without asking) comes a moment later. A widget
// polling in between was told "success" with no accounts.
it("between the callback's commit and the accounts' choice the session is still authorizing, without a result", async () => {
  const stores = new Stores(db);
  const config = loadConfig({ DATA_DIR: dataDir, MICROSOFT_CLIENT_ID: DEV_CLIENT_ID, MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET });
  const sessions = new ConnectSessionService(config, stores.sessions, stores.connections, () => Date.now());
  const { data } = await sessions.create({ end_user: { id: "picker-user" } });
  const session = (await stores.sessions.findByTokenHash(hashToken(data.token)))!;
  const t = Date.now();
  await sessions.markAttemptStarted(session.id, t, t + 600_000, "flow-1");

  // What the callback's transaction writes (callbackFlow.ts): completed, a result without accounts, the picker armed.
  const connected = { type: "ads-connect:success", connection_id: "c-1", provider_config_key: "microsoft-ads", operation: "creation", accounts: [] };
  expect(await stores.sessions.claimCompletion(session.id, t + 1)).toBe(true);
  await stores.sessions.recordResult(session.id, JSON.stringify(connected), t + 1);
  await stores.sessions.armPickerAfterConnect(session.id, {
    picker_connection_id: "c-1",
    picker_origin: null,
    picker_expires_at: t + 600_000,
    picker_webhook_id: null,
  });
  expect((await sessions.status(data.token)).data).toMatchObject({ status: "authorizing", result: null });

  // The choice is made (here: spent without a token, as the choice without asking does): the result is final.
  const chosen = { ...connected, accounts: [{ id: "150000001" }] };
  await stores.sessions.recordResult(session.id, JSON.stringify(chosen), t + 2);
  expect(await stores.sessions.spendPicker(session.id, t + 2, null)).toBe(true);
  expect((await sessions.status(data.token)).data).toMatchObject({ status: "success", result: { accounts: [{ id: "150000001" }] } });
});
