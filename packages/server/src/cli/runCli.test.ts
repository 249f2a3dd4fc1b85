import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET } from "@ads-connect/entra-emulator";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./runCli.js";

const dataDir = mkdtempSync(path.join(tmpdir(), "ads-connect-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function cli(argv: string[], env: Record<string, string> = {}) {
  let out = "";
  let err = "";
  const code = await runCli(argv, { env, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe("the ads-connect command", () => {
  it("--help and help list every command and the main environment variables on stdout, exit 0", async () => {
    for (const arg of ["--help", "help", "-h"]) {
      const { code, out, err } = await cli([arg]);
      expect(code).toBe(0);
      expect(err).toBe("");
      for (const word of ["start", "doctor", "migrate", "NODE_ENV=production", "MICROSOFT_CLIENT_ID", "ENCRYPTION_KEYS", "ALLOWED_ORIGINS"])
        expect(out).toContain(word);
    }
  });

  it("an unknown command prints the usage on stderr and exits 2", async () => {
    const { code, out, err } = await cli(["strat"]);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toContain('Unknown command "strat"');
    expect(err).toContain("Usage: ads-connect");
  });

  it("migrate creates and migrates the database, then exits 0 without starting a server", async () => {
    const env = { DATA_DIR: dataDir, MICROSOFT_CLIENT_ID: DEV_CLIENT_ID, MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET };
    const { code, out } = await cli(["migrate"], env);
    expect(code).toBe(0);
    expect(out).toContain("migrated");
    expect(existsSync(path.join(dataDir, "ads-connect.sqlite"))).toBe(true);
    expect((await cli(["migrate"], env)).code).toBe(0);
  });

  it("migrate with a production configuration that misses required settings exits 1 and names them", async () => {
    const { code, err } = await cli(["migrate"], { NODE_ENV: "production", DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(err).toContain("ENCRYPTION_KEYS: required in production");
  });
});
