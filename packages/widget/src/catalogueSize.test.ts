import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "vite";
import { afterAll, beforeAll, expect, it } from "vitest";

/** Each language's catalogue, minified + gzip -9, as a host's bundler ships it: its own chunk. */
const BUDGET = 1000;
const LANGUAGES = ["de", "fr", "es", "ja", "ar"];

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = mkdtempSync(path.join(tmpdir(), "ads-connect-widget-catalogues-"));
beforeAll(() =>
  build({
    configFile: false,
    logLevel: "silent",
    root,
    build: {
      outDir,
      emptyOutDir: true,
      target: "es2020",
      minify: true,
      lib: { entry: path.join(root, "src/index.ts"), formats: ["es"], fileName: "index" },
      rollupOptions: { external: (id) => /^(react|react-dom|@tanstack\/react-query)(\/|$)/.test(id) },
    },
  }),
);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const files = () => readdirSync(outDir).filter((f) => f.endsWith(".js"));
const size = (file: string) => gzipSync(readFileSync(path.join(outDir, file)), { level: 9 }).length;

it(`each language is its own chunk of at most ${BUDGET} B min+gzip, loaded only when used (the entry holds English only)`, () => {
  const entry = readFileSync(path.join(outDir, "index.js"), "utf8");
  for (const lang of LANGUAGES) {
    const chunk = files().find((f) => f.startsWith(`${lang}-`) || f === `${lang}.js`);
    expect(chunk, `${lang} chunk among ${files().join(", ")}`).toBeDefined();
    const bytes = size(chunk!);
    console.log(`widget catalogue ${lang}: ${bytes} B min+gzip`);
    expect(bytes, `${lang}: ${bytes} B`).toBeLessThanOrEqual(BUDGET);
    // Reached through a dynamic import only.
    expect(entry).toContain(`import("./${chunk}")`);
    expect(entry).not.toMatch(new RegExp(`from\\s*"\\./${chunk!.replace(".", "\\.")}"`));
  }
  expect(entry).not.toContain("Microsoft Ads verbinden");
  expect(entry).toContain("Connect Microsoft Ads");
});
