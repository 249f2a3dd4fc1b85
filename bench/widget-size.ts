/**
 * `pnpm bench`: minified + gzip size of the widget's built entries (the files it publishes; `pnpm bench`
 * builds them first) and of comparable libraries, all bundled the same way in one run (esbuild, as a
 * host bundles them: ES2020, minified, peers external, code splitting on, gzip -9; a part loaded only
 * when used, like redirect mode, is listed apart). `--write` puts the table into BENCHMARKS.md.
 * Exits 1 when the widget misses its budget (the same ceilings `packages/widget/src/build.test.ts`
 * enforces in `pnpm test`).
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleSize } from "../packages/widget/test/bundleSize.js";

const here = path.dirname(fileURLToPath(import.meta.url));

interface Subject {
  name: string;
  /** What a host writes: the body of the entry module that is bundled. */
  entry: string;
  budget?: number;
}

/** The whole public surface of a module, kept whole (a namespace object cannot be tree-shaken). */
const everything = (specifier: string) => `import * as all from ${JSON.stringify(specifier)}; export { all };`;

const subjects: Subject[] = [
  {
    name: "ads-connect widget: React entry, everything (component, hook, labels, connect, resumeRedirect)",
    entry: everything("@ads-connect/widget"),
    budget: 3900,
  },
  { name: "ads-connect widget: <ConnectMicrosoftAds> only", entry: `export { ConnectMicrosoftAds } from "@ads-connect/widget";` },
  { name: "ads-connect widget: core entry", entry: everything("@ads-connect/widget/core"), budget: 2000 },
  { name: "ads-connect widget: connect() only", entry: `export { connect } from "@ads-connect/widget/core";` },
  { name: "ads-connect widget: <connect-microsoft-ads> element entry", entry: everything("@ads-connect/widget/element"), budget: 3000 },
  { name: "@nangohq/frontend", entry: everything("@nangohq/frontend") },
  { name: "react-plaid-link", entry: everything("react-plaid-link") },
  { name: "@azure/msal-browser", entry: everything("@azure/msal-browser") },
];

const measure = (subject: Subject) => bundleSize(subject.entry, here);

const kb = (n: number) => `${(n / 1024).toFixed(2)} kB`;
const rows: string[] = [];
let failed = false;
for (const subject of subjects) {
  const { min, gzip, lazy } = await measure(subject);
  const verdict = subject.budget === undefined ? "" : gzip <= subject.budget ? `≤ ${kb(subject.budget)} ✓` : `> ${kb(subject.budget)} ✗`;
  if (subject.budget !== undefined && gzip > subject.budget) failed = true;
  const later = lazy.length ? ` + ${lazy.map((n) => `${n.toLocaleString("en")} B`).join(" + ")} when used` : "";
  rows.push(`| ${subject.name} | ${min.toLocaleString("en")} B | ${gzip.toLocaleString("en")} B (${kb(gzip)})${later} | ${verdict} |`);
}
const table = ["| bundle | minified | minified + gzip -9 | budget |", "|---|---:|---:|---|", ...rows].join("\n");
console.log(table);

if (process.argv.includes("--write")) {
  const file = path.join(here, "../BENCHMARKS.md");
  const section = `<!-- widget-size:start -->
## Widget bundle size

Command: \`pnpm bench\` (writes this section with \`pnpm bench -- --write\`). Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.
Each row bundles one entry module (the widget's rows import its built package, \`dist/\` as published)
with esbuild, target ES2020, minified, UTF-8, code splitting on, with \`react\`, \`react-dom\` (the
widget's peers) and \`@tanstack/react-query\` external, then gzips what loads with the page at level 9;
a chunk loaded only when used (what a started flow needs, loaded at the click; redirect mode; the
closed-popup watch; a language's catalogue) is listed after it, gzipped on its own. "only" rows
import one export, so they show what tree-shaking leaves a host that uses just that. The budgets are
issue 28's targets (also enforced in \`pnpm test\` by \`packages/widget/src/build.test.ts\`).

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
