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

// Found by the COOP browser test under load: the callback commits the connection with `accounts: []`
// and arms the picker; its page (or the choice made without asking) comes a moment later. A widget
// polling in between was told "success" with no accounts.
let db: DatabaseHandle;
let database: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  db = await createDatabase({ url: database.url, file: ":memory:" });
  dataDir = mkdtempSync(path.join(tmpdir(), "ads-connect-picker-status-"));
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

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
