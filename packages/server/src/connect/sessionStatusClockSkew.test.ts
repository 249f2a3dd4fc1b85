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

// Found by the chaos run (issue 25): instances sharing a database whose clocks are apart. The
// session's status compared the attempt's start (one instance's clock) with its result's time
// (another's): a result recorded by an instance 30 s behind left the widget seeing "authorizing".
let db: DatabaseHandle;
let database: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  db = await createDatabase({ url: database.url, file: ":memory:" });
  dataDir = mkdtempSync(path.join(tmpdir(), "ads-connect-skew-"));
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const SKEW_MS = 30_000;

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
