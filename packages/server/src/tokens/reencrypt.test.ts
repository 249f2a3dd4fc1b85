import { randomBytes } from "node:crypto";
import path from "node:path";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET } from "@ads-connect/entra-emulator";
import { IntegrationStatusResponseSchema } from "@ads-connect/shared";
import { afterEach, expect, it } from "vitest";
import { runDoctor } from "../doctor/runDoctor.js";
import { connectAs, type Harness, startHarness, WIDGET_ORIGIN } from "../testing/harness.js";
import { reencryptCli } from "./reencrypt.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const OLD = `old:${randomBytes(32).toString("base64")}`;
const NEW = `new:${randomBytes(32).toString("base64")}`;

const keysInUse = async (harness: Harness) =>
  IntegrationStatusResponseSchema.parse((await harness.api("GET", "/integrations/microsoft-ads/status")).json).data.encryption_keys;

it("retiring a key: the status API and the doctor say which keys rows use, reencrypt moves them to the current key, then the old key can go", async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off", ENCRYPTION_KEYS: OLD } });
  const ids: string[] = [];
  for (const user of ["adele@contoso.example", "megan@contoso.example"]) {
    const { result } = await connectAs(h, user);
    if (result.type !== "ads-connect:success") throw new Error("connect failed");
    ids.push(result.connection_id);
  }
  // Step 1 of a rotation: the new key first (it encrypts), the old one still there (it decrypts).
  await h.restart({ ENCRYPTION_KEYS: `${NEW},${OLD}` });
  expect(await keysInUse(h)).toEqual({
    current: "new",
    in_use: [
      { key_id: "new", configured: true, connections: 0 },
      { key_id: "old", configured: true, connections: 2 },
    ],
  });
  const env = {
    DATA_DIR: path.dirname(h.server.config.databaseFile),
    DATABASE_FILE: h.server.config.databaseFile,
    ENCRYPTION_KEYS: `${NEW},${OLD}`,
    PUBLIC_URL: h.server.url,
    ALLOWED_ORIGINS: WIDGET_ORIGIN,
    MICROSOFT_CLIENT_ID: DEV_CLIENT_ID,
    MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET,
    ENTRA_EMULATOR_URL: h.emulator.url,
  };
  const doctorBefore = (await runDoctor({ env })).checks.find((c) => c.id === "encryption_keys");
  expect(doctorBefore).toMatchObject({ status: "warn" });
  expect(doctorBefore?.details.join("\n")).toMatch(/2 connections use "old".*ads-connect reencrypt/s);

  // Step 2: re-encrypt, idempotently, counts printed and nothing secret.
  let printed = "";
  expect(await reencryptCli([], env, (t) => (printed += t))).toBe(0);
  expect(printed).toMatch(/Re-encrypted 2 connections with key "new"; 0 already used it\./);
  printed = "";
  expect(await reencryptCli([], env, (t) => (printed += t))).toBe(0);
  expect(printed).toMatch(/Re-encrypted 0 connections with key "new"; 2 already used it\./);
  expect(printed).not.toMatch(/eyJ|rt_|adele|megan/);
  expect((await keysInUse(h)).in_use).toEqual([
    { key_id: "new", configured: true, connections: 2 },
    { key_id: "old", configured: true, connections: 0 },
  ]);
  const doctorAfter = (await runDoctor({ env })).checks.find((c) => c.id === "encryption_keys");
  expect(doctorAfter).toMatchObject({ status: "warn" });
  expect(doctorAfter?.details.join("\n")).toMatch(/"old" is configured but no connection uses it/);

  // Step 3: the old key goes; every connection still reads.
  await h.restart({ ENCRYPTION_KEYS: NEW });
  for (const id of ids) expect((await h.api("GET", `/connections/${id}`)).status).toBe(200);
  expect((await runDoctor({ env: { ...env, ENCRYPTION_KEYS: NEW } })).checks.find((c) => c.id === "encryption_keys")).toMatchObject({ status: "ok" });
});

it("a key retired too early: the status API reports a problem and the doctor fails, naming the key", async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off", ENCRYPTION_KEYS: OLD } });
  const { result } = await connectAs(h, "adele@contoso.example");
  if (result.type !== "ads-connect:success") throw new Error("connect failed");
  await h.restart({ ENCRYPTION_KEYS: NEW });
  const status = IntegrationStatusResponseSchema.parse((await h.api("GET", "/integrations/microsoft-ads/status")).json).data;
  expect(status.encryption_keys.in_use).toEqual([
    { key_id: "new", configured: true, connections: 0 },
    { key_id: "old", configured: false, connections: 1 },
  ]);
  expect(status.problems).toEqual([expect.objectContaining({ code: "credentials_unreadable", message: expect.stringContaining('"old"') })]);
  const env = {
    DATA_DIR: path.dirname(h.server.config.databaseFile),
    DATABASE_FILE: h.server.config.databaseFile,
    ENCRYPTION_KEYS: NEW,
    MICROSOFT_CLIENT_ID: DEV_CLIENT_ID,
    MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET,
    ENTRA_EMULATOR_URL: h.emulator.url,
  };
  expect((await runDoctor({ env })).checks.find((c) => c.id === "encryption_keys")).toMatchObject({ status: "fail" });
  let printed = "";
  expect(await reencryptCli([], env, (t) => (printed += t))).toBe(1);
  expect(printed).toMatch(/1 connection could not be read: key "old" \(1\) is not configured/);
});
