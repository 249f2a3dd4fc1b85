/**
 * `pnpm bench`: minified + gzip size of the widget's built entries (the files it publishes; `pnpm bench`
 * builds them first) and of comparable libraries, all
 * bundled the same way in one run (Vite 8 / rolldown, ES2020, minified, peers external, gzip -9).
 * `--write` puts the table into BENCHMARKS.md. Exits 1 when the widget misses its budget.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "vite";

const here = path.dirname(fileURLToPath(import.meta.url));
const PEERS = /^(react|react-dom|@tanstack\/react-query)(\/|$)/;

interface Subject {
  name: string;
  /** What a host writes: the body of the entry module that is bundled. */
  entry: string;
  budget?: number;
}

/** The whole public surface of a module, kept whole (a namespace object cannot be tree-shaken). */
const everything = (specifier: string) => `import * as all from ${JSON.stringify(specifier)}; export { all };`;

const subjects: Subject[] = [
  { name: "ads-connect widget: everything (component, hook, core)", entry: everything("@ads-connect/widget"), budget: 5120 },
  { name: "ads-connect widget: <ConnectMicrosoftAds> only", entry: `export { ConnectMicrosoftAds } from "@ads-connect/widget";`, budget: 5120 },
  { name: "ads-connect widget: core entry", entry: everything("@ads-connect/widget/core"), budget: 2560 },
  { name: "ads-connect widget: connect() only", entry: `export { connect } from "@ads-connect/widget/core";`, budget: 2560 },
  { name: "@nangohq/frontend", entry: everything("@nangohq/frontend") },
  { name: "react-plaid-link", entry: everything("react-plaid-link") },
  { name: "@azure/msal-browser", entry: everything("@azure/msal-browser") },
];

async function measure(subject: Subject): Promise<{ min: number; gzip: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), "ads-connect-bench-"));
  try {
    const entry = path.join(here, `.entry-${process.pid}.js`);
    writeFileSync(entry, subject.entry);
    try {
      await build({
        configFile: false,
        logLevel: "silent",
        root: here,
        build: {
          outDir: dir,
          emptyOutDir: true,
          target: "es2020",
          minify: true,
          lib: { entry, formats: ["es"], fileName: "out" },
          rollupOptions: { external: (id) => PEERS.test(id), onwarn: () => {} },
        },
      });
    } finally {
      rmSync(entry, { force: true });
    }
    // The entry and what it imports statically: a chunk behind a dynamic import (a widget language
    // catalogue) is fetched only when used, so it is not part of what every host loads.
    const files = new Set<string>();
    const visit = (file: string) => {
      if (files.has(file)) return;
      files.add(file);
      const text = readFileSync(path.join(dir, file), "utf8");
      for (const [, spec] of text.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) visit(spec!);
    };
    visit(readdirSync(dir).find((f) => /^out\.(m?js)$/.test(f)) ?? "out.js");
    const code = Buffer.concat([...files].map((f) => readFileSync(path.join(dir, f))));
    return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const kb = (n: number) => `${(n / 1024).toFixed(2)} kB`;
const rows: string[] = [];
let failed = false;
for (const subject of subjects) {
  const { min, gzip } = await measure(subject);
  const verdict = subject.budget === undefined ? "" : gzip <= subject.budget ? `≤ ${kb(subject.budget)} ✓` : `> ${kb(subject.budget)} ✗`;
  if (subject.budget !== undefined && gzip > subject.budget) failed = true;
  rows.push(`| ${subject.name} | ${min.toLocaleString("en")} B | ${gzip.toLocaleString("en")} B (${kb(gzip)}) | ${verdict} |`);
}
const table = ["| bundle | minified | minified + gzip -9 | budget |", "|---|---:|---:|---|", ...rows].join("\n");
console.log(table);

if (process.argv.includes("--write")) {
  const file = path.join(here, "../BENCHMARKS.md");
  const section = `<!-- widget-size:start -->
## Widget bundle size

Command: \`pnpm bench\` (writes this section with \`pnpm bench -- --write\`). Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.
Each row bundles one entry module (the widget's rows import its built package, \`dist/\` as published)
with Vite 8 (rolldown), target ES2020, minified, with \`react\`,
\`react-dom\` and \`@tanstack/react-query\` external (the widget's peers), then gzips the output at level 9.
"only" rows import one export, so they show what tree-shaking leaves a host that uses just that.

${table}
<!-- widget-size:end -->`;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    text =
      "# Benchmarks\n\nResults of the benchmarks in `bench/`; each section says the command that produced it.\n\n<!-- widget-size:start -->\n<!-- widget-size:end -->\n";
  }
  writeFileSync(file, text.replace(/<!-- widget-size:start -->[\s\S]*<!-- widget-size:end -->/, section));
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
}
process.exit(failed ? 1 : 0);
