import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { undeclaredImports } from "./publishedImports.js";

const dir = mkdtempSync(path.join(tmpdir(), "published-imports-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakePackage(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(dir, "pkg-"));
  const manifest = {
    name: "@scope/pkg",
    dependencies: { express: "^5.0.0" },
    peerDependencies: { tsx: "^4.0.0", react: "^19.0.0" },
    devDependencies: { "tough-cookie": "^6.0.0", "@scope/emulator": "0.1.0" },
  };
  writeFileSync(path.join(root, "package.json"), JSON.stringify(manifest));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe("undeclaredImports (what the packaging test checks in each installed package)", () => {
  it("finds a built file importing a devDependency or an undeclared package, statically, dynamically or by require", () => {
    const root = fakePackage({
      "dist/testing/harness.js": 'import { startEmulator } from "@scope/emulator/testing";\nexport { CookieJar } from "tough-cookie";\n',
      "dist/lazy.js": 'export const load = () => import("left-pad");\n',
      "dist/old.cjs": 'const x = require("lodash/fp");\n',
      "dist/types.d.ts": 'import type { Jar } from "tough-cookie";\nexport type J = Jar;\n',
    });
    expect(undeclaredImports(root).sort((a, b) => a.file.localeCompare(b.file) || a.specifier.localeCompare(b.specifier))).toEqual([
      { file: "dist/lazy.js", specifier: "left-pad", problem: "not a dependency" },
      { file: "dist/old.cjs", specifier: "lodash/fp", problem: "not a dependency" },
      { file: "dist/testing/harness.js", specifier: "@scope/emulator/testing", problem: "devDependency" },
      { file: "dist/testing/harness.js", specifier: "tough-cookie", problem: "devDependency" },
      { file: "dist/types.d.ts", specifier: "tough-cookie", problem: "devDependency" },
    ]);
  });

  it("accepts dependencies, peers, built-in modules, the package itself, relative files and imports written in comments", () => {
    const root = fakePackage({
      "dist/index.js": [
        'import express from "express";',
        'import { readFile } from "node:fs";',
        'import path from "path";',
        'import { tsImport } from "tsx/esm/api";',
        'import { jsx } from "react/jsx-runtime";',
        'import { defineAction } from "@scope/pkg/actions";',
        'import { helper } from "./helper.js";',
        '/** @example import { CookieJar } from "tough-cookie"; */',
        '// const jar = require("tough-cookie");',
        "export { express, readFile, path, tsImport, jsx, defineAction, helper };",
      ].join("\n"),
      "bin/cli.js": 'import "../dist/index.js";\n',
    });
    expect(undeclaredImports(root)).toEqual([]);
  });
});
