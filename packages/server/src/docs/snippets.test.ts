import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { codeBlocks, documentationFiles, REPO_ROOT, readDoc } from "./markdown.js";

/**
 * Every ```ts / ```tsx block of the README, docs/ and the packages' READMEs type-checks as a module
 * of a product that installed the BUILT packages (their `exports` → dist/*.d.ts; `pnpm test` builds
 * first). A block marked ```ts no-check is skipped (pseudo-code, or deliberately wrong).
 * Snippets may use these names without defining them: the reader's own values.
 */
const PLACEHOLDERS = `
declare const secretKey: string;
declare const connectionId: string;
declare function refetchConnections(): void;
`;

interface Snippet {
  source: string;
  line: number;
  file: string;
  code: string;
}

/**
 * The package references TypeDoc generates (`pnpm docs:api`) are left out: their blocks are the
 * JSDoc `@example`s of the packages' source, which packages/node/src/apiReference.test.ts type-checks
 * there (with their placeholders), and a test keeps the generated pages equal to that source.
 */
const GENERATED_PACKAGE_REFERENCES = /^docs[\\/]reference[\\/](widget|node)[\\/]/;

function snippets(): Snippet[] {
  return documentationFiles()
    .filter((source) => !GENERATED_PACKAGE_REFERENCES.test(source))
    .flatMap((source) =>
      codeBlocks(readDoc(source))
        .filter((b) => (b.lang === "ts" || b.lang === "tsx") && !b.flags.includes("no-check"))
        .map((b) => ({ source, line: b.line, file: `${source.replace(/[^A-Za-z0-9]+/g, "_")}_L${b.line}.${b.lang}`, code: b.code })),
    );
}

/** Workspace packages by name → folder. */
function workspacePackages(): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of readdirSync(path.join(REPO_ROOT, "packages"))) {
    const manifest = path.join(REPO_ROOT, "packages", dir, "package.json");
    if (existsSync(manifest)) found.set((JSON.parse(readFileSync(manifest, "utf8")) as { name: string }).name, path.join(REPO_ROOT, "packages", dir));
  }
  return found;
}

/** A third-party package as some workspace package installed it (the first that has it). */
function installed(name: string): string | null {
  const places = [REPO_ROOT, ...readdirSync(path.join(REPO_ROOT, "packages")).map((d) => path.join(REPO_ROOT, "packages", d))];
  for (const place of places) {
    const dir = path.join(place, "node_modules", name);
    if (existsSync(dir)) return realpathSync(dir);
  }
  return null;
}

const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

let dir: string | undefined;
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("TypeScript snippets in the docs", () => {
  it("type-check against the built packages", () => {
    const all = snippets();
    expect(all.length).toBeGreaterThan(0);
    dir = mkdtempSync(path.join(tmpdir(), "ads-connect-snippets-"));
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(path.join(dir, "placeholders.d.ts"), PLACEHOLDERS);
    // A product's node_modules: our packages as published (exports → dist), the rest as installed here.
    const workspace = workspacePackages();
    const needed = new Set(["@types/node"]);
    for (const s of all) {
      for (const m of s.code.matchAll(/\bfrom\s+"([^".][^"]*)"/g)) needed.add(packageOf(m[1]!));
      if (s.file.endsWith(".tsx")) needed.add("react").add("@types/react");
    }
    for (const name of needed) {
      if (name.startsWith("node:")) continue;
      const ours = workspace.get(name);
      if (ours && !existsSync(path.join(ours, "dist"))) throw new Error(`${name} is not built: run pnpm run build first (pnpm test does)`);
      const target = ours ?? installed(name) ?? installed(`@types/${name}`);
      if (!target) throw new Error(`no workspace package installs ${name}, which a snippet imports`);
      mkdirSync(path.dirname(path.join(dir, "node_modules", name)), { recursive: true });
      symlinkSync(target, path.join(dir, "node_modules", name), "dir");
      const types = name.startsWith("@types/") ? null : installed(`@types/${name}`);
      if (types && !needed.has(`@types/${name}`) && !existsSync(path.join(dir, "node_modules", "@types", name))) {
        mkdirSync(path.join(dir, "node_modules", "@types"), { recursive: true });
        symlinkSync(types, path.join(dir, "node_modules", "@types", name), "dir");
      }
    }
    // `export {}` keeps each snippet a module of its own (no clashes between their top-level names).
    for (const s of all) writeFileSync(path.join(dir, s.file), `${s.code}export {};\n`);

    const program = ts.createProgram([path.join(dir, "placeholders.d.ts"), ...all.map((s) => path.join(dir!, s.file))], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      jsx: ts.JsxEmit.ReactJSX,
      lib: ["lib.es2023.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
      types: ["node"],
      skipLibCheck: true,
      esModuleInterop: true,
      isolatedModules: true,
    });
    const bySnippet = new Map(all.map((s) => [path.join(dir!, s.file), s]));
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
      const snippet = d.file ? bySnippet.get(path.normalize(d.file.fileName)) : undefined;
      if (!snippet || d.start === undefined) return `${d.file?.fileName ?? "?"}: TS${d.code} ${text}`;
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start);
      return `${snippet.source}:${snippet.line + 1 + line}: TS${d.code} ${text}`;
    });
    expect(problems, "fix these snippets (or mark a block ```ts no-check)").toEqual([]);
    // One compiler run over every snippet and the packages' declarations: seconds, longer on a busy machine.
  }, 120_000);
});
