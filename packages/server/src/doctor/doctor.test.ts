import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET } from "@ads-connect/entra-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness, WIDGET_ORIGIN } from "../testing/harness.js";
import { formatDoctorReport } from "./formatDoctorReport.js";
import { type DoctorReport, runDoctor } from "./runDoctor.js";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const WRONG_SECRET = "wrong-secret-value-never-printed";

let h: Harness;
let dataDir: string;
beforeAll(async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
  h.emulator.addClient({ clientId: "expired-app", clientSecret: "expired-secret-value", secretExpired: true });
  dataDir = mkdtempSync(path.join(tmpdir(), "ads-connect-doctor-"));
});
afterAll(async () => {
  await h.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The setup the running harness server has, as an operator would put it in the doctor's environment. */
const envWith = (overrides: Record<string, string> = {}) => ({
  DATA_DIR: dataDir,
  PUBLIC_URL: h.server.url,
  ALLOWED_ORIGINS: WIDGET_ORIGIN,
  MICROSOFT_CLIENT_ID: DEV_CLIENT_ID,
  MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET,
  ENTRA_EMULATOR_URL: h.emulator.url,
  ...overrides,
});
const check = (report: DoctorReport, id: string) => report.checks.find((c) => c.id === id);

describe("setup doctor against the emulator", () => {
  it("a good secret: every check passes and the redirect URIs to register are printed", async () => {
    const before = h.emulator.stats.tokenRequests.client_credentials;
    const report = await runDoctor({ env: envWith() });
    expect(report.ok).toBe(true);
    expect(check(report, "client_credentials")).toMatchObject({ status: "ok" });
    // The check really asked the identity provider.
    expect(h.emulator.stats.tokenRequests.client_credentials).toBe(before + 1);
    expect(check(report, "redirect_uri")?.details).toEqual([`${h.server.url}/oauth/callback`, `${h.server.url}/oauth/admin-consent/callback`]);
    expect(check(report, "identity_provider")?.summary).toContain(`the Entra emulator at ${h.emulator.url}`);
    expect(check(report, "allowed_origins")).toMatchObject({ status: "ok", details: [WIDGET_ORIGIN] });
    expect(check(report, "public_url")).toMatchObject({ status: "ok" });
    expect(formatDoctorReport(report)).toMatch(/Ready: Microsoft sign-in is set up correctly\.\n$/);
  });

  it("a wrong secret: AADSTS7000215, told to use the secret's value, and the secret never printed", async () => {
    const report = await runDoctor({ env: envWith({ MICROSOFT_CLIENT_SECRET: WRONG_SECRET }) });
    expect(report.ok).toBe(false);
    expect(check(report, "client_credentials")).toMatchObject({
      status: "fail",
      aadsts: 7000215,
      summary: "Microsoft rejected the client secret (AADSTS7000215).",
      details: [expect.stringContaining("the secret's value (not its ID)")],
    });
    expect(JSON.stringify(report)).not.toContain(WRONG_SECRET);
  });

  it("an expired secret: AADSTS7000222, told to create a new one", async () => {
    const report = await runDoctor({ env: envWith({ MICROSOFT_CLIENT_ID: "expired-app", MICROSOFT_CLIENT_SECRET: "expired-secret-value" }) });
    expect(report.ok).toBe(false);
    expect(check(report, "client_credentials")).toMatchObject({
      status: "fail",
      aadsts: 7000222,
      summary: "The client secret has expired (AADSTS7000222).",
      details: [expect.stringContaining("create a new secret in Microsoft Entra")],
    });
  });

  it("an unknown client id: AADSTS700016", async () => {
    const report = await runDoctor({ env: envWith({ MICROSOFT_CLIENT_ID: "00000000-1111-4222-8333-444444444444" }) });
    expect(check(report, "client_credentials")).toMatchObject({
      status: "fail",
      aadsts: 700016,
      summary: expect.stringMatching(/^Microsoft does not know MICROSOFT_CLIENT_ID 00000000-1111-4222-8333-444444444444 in organizations/),
    });
  });

  it("warns 30 days ahead of the secret's expiry and fails once it has passed", async () => {
    const now = Date.UTC(2027, 4, 1);
    const soon = await runDoctor({ env: envWith({ MICROSOFT_CLIENT_SECRET_EXPIRES_AT: "2027-05-21" }), now });
    expect(soon.ok).toBe(true);
    expect(check(soon, "client_secret_expiry")).toMatchObject({ status: "warn", summary: expect.stringContaining("expires on 2027-05-21 (in 20 days)") });
    const later = await runDoctor({ env: envWith({ MICROSOFT_CLIENT_SECRET_EXPIRES_AT: "2027-09-01" }), now });
    expect(check(later, "client_secret_expiry")).toMatchObject({ status: "ok", summary: "The client secret expires on 2027-09-01, in 123 days." });
    const past = await runDoctor({ env: envWith({ MICROSOFT_CLIENT_SECRET_EXPIRES_AT: "2027-04-30" }), now });
    expect(past.ok).toBe(false);
    expect(check(past, "client_secret_expiry")).toMatchObject({ status: "fail", summary: expect.stringContaining("expired on 2027-04-30") });
  });

  it("a public URL nobody answers on, an http public URL off localhost, an insecure origin", async () => {
    const closed = await runDoctor({ env: envWith({ PUBLIC_URL: "http://127.0.0.1:9" }), timeoutMs: 3000 });
    expect(check(closed, "public_url")).toMatchObject({
      status: "fail",
      summary: expect.stringContaining("PUBLIC_URL is not reachable from here (http://127.0.0.1:9/health"),
    });
    const plain = await runDoctor({ env: envWith({ PUBLIC_URL: "http://ads.example.com", ALLOWED_ORIGINS: "http://app.example.com" }), timeoutMs: 3000 });
    expect(check(plain, "redirect_uri")).toMatchObject({ status: "fail", summary: expect.stringContaining("accepts http redirect URIs only for localhost") });
    expect(check(plain, "allowed_origins")).toMatchObject({ status: "warn", details: ["http://app.example.com"] });
  });

  it("a configuration that does not load: its problems, and nothing else attempted", async () => {
    const report = await runDoctor({ env: { DATA_DIR: dataDir } });
    expect(report.ok).toBe(false);
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]!.details.join("\n")).toMatch(/MICROSOFT_CLIENT_ID: required/);
  });
});

describe("the server bin's doctor subcommand", () => {
  const run = async (env: Record<string, string>, args: string[] = []) => {
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", MAIN, "doctor", ...args], {
        env: { PATH: process.env.PATH ?? "", ...env },
      });
      return { code: 0, stdout };
    } catch (err) {
      const failed = err as { code: number; stdout: string };
      return { code: failed.code, stdout: failed.stdout };
    }
  };

  it("exits 0 with a good secret and 1 with a wrong one, printing the verdict", async () => {
    const good = await run(envWith());
    expect(good.code).toBe(0);
    expect(good.stdout).toContain(`${h.server.url}/oauth/callback`);
    const wrong = await run(envWith({ MICROSOFT_CLIENT_SECRET: WRONG_SECRET }));
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain("✘ FAIL Microsoft rejected the client secret (AADSTS7000215).");
    expect(wrong.stdout).toMatch(/1 problem to fix\.\n$/);
    expect(wrong.stdout).not.toContain(WRONG_SECRET);
  });

  it("--json prints the checks; a bad flag exits 2 with the usage", async () => {
    const json = await run(envWith(), ["--json"]);
    expect((JSON.parse(json.stdout) as DoctorReport).ok).toBe(true);
    const bad = await run(envWith(), ["--tenat", "x"]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain("Usage: ads-connect doctor");
  });
});
