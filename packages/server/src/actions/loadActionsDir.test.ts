import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { ActionRegistry } from "./actionRegistry.js";
import { type ImportTsx, loadActionsDir, TSX_MISSING } from "./loadActionsDir.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function actionsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "actions-dir-"));
  dirs.push(dir);
  for (const [file, code] of Object.entries(files)) writeFileSync(path.join(dir, file), code);
  return dir;
}

/** What importing tsx does where it is not installed (Node's error for a missing package). */
function tsxNotInstalled(calls: { count: number }): ImportTsx {
  return async () => {
    calls.count++;
    throw Object.assign(new Error("Cannot find package 'tsx' imported from /srv/app/node_modules/@ads-connect/server/dist/actions/loadActionsDir.js"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
  };
}

describe("loadActionsDir without tsx (an optional peer dependency)", () => {
  it("reports each TypeScript module as not loaded, naming tsx and how to install it, and still loads the JavaScript ones", async () => {
    const dir = actionsDir({
      "a.ts": "export const x: number = 1;\n",
      "b.mts": "export const y: number = 2;\n",
      "c.mjs": "export const plain = 3;\n",
    });
    const registry = new ActionRegistry();
    const calls = { count: 0 };
    await loadActionsDir(registry, dir, pino({ level: "silent" }), tsxNotInstalled(calls));
    const reasons = Object.fromEntries(registry.failures.map((f) => [f.file, f.reason]));
    expect(reasons["a.ts"]).toBe(`failed to load: ${TSX_MISSING}`);
    expect(reasons["b.mts"]).toBe(`failed to load: ${TSX_MISSING}`);
    expect(TSX_MISSING).toContain("npm i tsx");
    // The .mjs module was imported (without tsx): it loaded and simply exports no action.
    expect(reasons["c.mjs"]).toBe("exports no defineAction(...) result (exports: plain)");
    expect(calls.count).toBe(1);
  });

  it("never asks for tsx when the folder holds only JavaScript modules", async () => {
    const dir = actionsDir({ "only.mjs": "export const plain = 1;\n", "also.js": "export const other = 2;\n" });
    const registry = new ActionRegistry();
    const calls = { count: 0 };
    await loadActionsDir(registry, dir, pino({ level: "silent" }), tsxNotInstalled(calls));
    expect(calls.count).toBe(0);
    expect(registry.failures.map((f) => f.reason)).toEqual([
      "exports no defineAction(...) result (exports: other)",
      "exports no defineAction(...) result (exports: plain)",
    ]);
  });

  it("passes on any other failure of tsx's import as it is", async () => {
    const dir = actionsDir({ "a.ts": "export const x = 1;\n" });
    const registry = new ActionRegistry();
    await loadActionsDir(registry, dir, pino({ level: "silent" }), async () => {
      throw new Error("esbuild: the binary for this platform is missing");
    });
    expect(registry.failures).toEqual([{ file: "a.ts", reason: "failed to load: esbuild: the binary for this platform is missing" }]);
  });
});
