import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** The widget's peers: a host has them already, so they are not counted. */
const PEERS = ["react", "react-dom", "react/*", "react-dom/*", "@tanstack/react-query"];

export interface BundleSize {
  /** What loads with the page: the entry and the chunks it imports statically. */
  min: number;
  gzip: number;
  /** Chunks loaded only when used (`import()`), each gzipped on its own. */
  lazy: number[];
}

/**
 * One host module's bundle, as a host's bundler makes it: esbuild, ES2020, minified, peers external,
 * code splitting on (so a lazily loaded part is a chunk of its own), gzip level 9.
 */
export async function bundleSize(entryCode: string, resolveDir: string): Promise<BundleSize> {
  const dir = mkdtempSync(path.join(tmpdir(), "ads-connect-size-"));
  try {
    const entry = path.join(resolveDir, `.size-entry-${process.pid}-${Math.random().toString(36).slice(2)}.js`);
    writeFileSync(entry, entryCode);
    let result: Awaited<ReturnType<typeof build>>;
    try {
      result = await build({
        entryPoints: { entry },
        bundle: true,
        splitting: true,
        format: "esm",
        target: "es2020",
        minify: true,
        legalComments: "none",
        // UTF-8 as Vite writes it (esbuild's default escapes every non-ASCII character: a catalogue in Arabic or Japanese would count six bytes a letter).
        charset: "utf8",
        external: PEERS,
        // The published build, as a host resolves it: not the repository's tsconfig `paths` to the sources.
        tsconfigRaw: "{}",
        outdir: dir,
        metafile: true,
        write: true,
        logLevel: "silent",
      });
    } finally {
      rmSync(entry, { force: true });
    }
    const outputs = result.metafile!.outputs;
    const file = (p: string) => readFileSync(path.resolve(p));
    // The host module's output: each lazily imported module is an entry point of esbuild's too.
    const entryOut = Object.keys(outputs).find((p) => outputs[p]!.entryPoint?.endsWith(path.basename(entry)))!;
    const initial = new Set<string>();
    const visit = (p: string) => {
      if (initial.has(p)) return;
      initial.add(p);
      for (const i of outputs[p]!.imports) if (i.kind === "import-statement" && !i.external) visit(i.path);
    };
    visit(entryOut);
    const code = Buffer.concat([...initial].map(file));
    const lazy = Object.keys(outputs)
      .filter((p) => p.endsWith(".js") && !initial.has(p))
      .map((p) => gzipSync(file(p), { level: 9 }).length);
    return { min: code.length, gzip: gzipSync(code, { level: 9 }).length, lazy };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
