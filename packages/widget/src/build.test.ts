import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bundleSize } from "../test/bundleSize.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = mkdtempSync(path.join(tmpdir(), "ads-connect-widget-build-"));
beforeAll(() => build({ root, configFile: path.join(root, "vite.config.ts"), logLevel: "silent", build: { outDir, emptyOutDir: true } }));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** A built file's code without its block comments: the JSDoc `@example`s kept in the build show imports too. */
const code = (file: string) => readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");

/** Every file an entry pulls in, following the relative imports of the build output. */
function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const [, spec] of code(file).matchAll(/from\s*"(\.\/[^"]+)"/g)) closure(path.join(path.dirname(file), spec!), seen);
  return seen;
}
const externalImports = (files: Set<string>) => [...files].flatMap((f) => [...code(f).matchAll(/from\s*"([^".][^"]*)"/g)].map((m) => m[1]));

it("the library build is ESM with react left to the host, and the core entry is React-free", async () => {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { exports: Record<string, { default: string }>; sideEffects: boolean };
  expect(pkg.sideEffects).toEqual(["./dist/element.js", "./dist/widget.js"]);
  const index = path.join(outDir, path.basename(pkg.exports["."]!.default));
  const core = path.join(outDir, path.basename(pkg.exports["./core"]!.default));
  expect(new Set(externalImports(closure(index)))).toEqual(new Set(["react", "react/jsx-runtime"]));
  expect(externalImports(closure(core))).toEqual([]);
  expect([...closure(core)].some((f) => readFileSync(f, "utf8").includes("useState"))).toBe(false);
});

it('the React entry starts with "use client" (React Server Components hosts such as Next.js) and the core entry has no directive', async () => {
  const index = readFileSync(path.join(outDir, "index.js"), "utf8");
  const core = readFileSync(path.join(outDir, "core.js"), "utf8");
  expect(index.startsWith('"use client";\n')).toBe(true);
  expect(core).not.toContain("use client");
});

/**
 * Size budgets (min + gzip -9, a host's esbuild bundle of each published entry with everything it
 * exports, peers external; BENCHMARKS.md has the figures): issue 28's targets. What only a started
 * flow needs (the token, the message check), redirect mode, the closed-popup watch and each
 * language's catalogue are chunks loaded when used, each budgeted on its own.
 */
const BUDGETS = { index: 3900, core: 2000, element: 3000 } as const;
const LAZY_BUDGET = 1000;

it.each(Object.entries(BUDGETS))("the %s entry stays within its size budget", async (entry, budget) => {
  const size = await bundleSize(`import * as all from "./${entry}.js"; export { all };`, outDir);
  expect(size.gzip).toBeLessThanOrEqual(budget);
  for (const lazy of size.lazy) expect(lazy).toBeLessThanOrEqual(LAZY_BUDGET);
});
