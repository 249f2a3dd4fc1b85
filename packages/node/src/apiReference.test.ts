import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { API_PACKAGES, type ApiPackage, generateApiReference, referenceDir } from "../../../scripts/apiReference.js";

/**
 * The package reference (issue 24): every export of @ads-connect/widget and @ads-connect/node has a
 * JSDoc `@example` with a fenced code block, the examples type-check against the packages' source,
 * and docs/reference/{widget,node} is what `pnpm docs:api` (TypeDoc) generates from that source.
 *
 * @ads-connect/node also re-exports all of @ads-connect/shared (`export *`: the zod schemas, their
 * types and the constants); those are documented in packages/shared and appear in the node
 * reference, so the `@example` rule and the type-check of the examples cover them too.
 */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const PACKAGES = Object.keys(API_PACKAGES) as ApiPackage[];

/** Names examples may use without defining them: the reader's own values. */
const PLACEHOLDERS = `
declare const secretKey: string;
declare const connectionId: string;
declare const rawBody: string;
declare const signature: string;
declare const oldSigningKey: string;
declare const newSigningKey: string;
declare const serverUrl: string;
declare function getSessionToken(): Promise<string>;
declare const client: import("@ads-connect/node").AdsConnectClient;
// an answer of the ads-connect server (fetch), and a JSON value read from one
declare const response: Response;
declare const json: unknown;
// a paged Microsoft call of the reader's, as PageInfo's example (packages/shared/src/paginate.ts) writes one
declare function searchAccounts(page: import("@ads-connect/node").PageInfo): Promise<{ Id: string }[]>;
`;

/** The source folders whose `@example` blocks each package's reference shows: node's includes shared's (`export *`). */
const SOURCES: Record<ApiPackage, string[]> = { widget: ["packages/widget/src"], node: ["packages/node/src", "packages/shared/src"] };

function compilerOptions(pkg: ApiPackage): ts.CompilerOptions {
  const file = path.join(ROOT, API_PACKAGES[pkg].tsconfig);
  const parsed = ts.getParsedCommandLineOfConfigFile(
    file,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${file}`);
  return { ...parsed.options, noEmit: true };
}

interface Export {
  pkg: ApiPackage;
  entry: string;
  name: string;
  /** Where the exported thing is declared, relative to the repository. */
  file: string;
  examples: string[];
}

/** The fenced code blocks of a JSDoc `@example` tag's text. */
const fencedBlocks = (text: string) => [...text.matchAll(/```(ts|tsx)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, code: m[2]! }));

const tagText = (tag: ts.JSDocTagInfo) => (tag.text ?? []).map((part) => part.text).join("");

/** Every export of each package's entry points (its package.json `exports`, as source), with its examples. */
function publicExports(): Export[] {
  return PACKAGES.flatMap((pkg) => {
    const { entryPoints } = API_PACKAGES[pkg];
    const program = ts.createProgram(
      entryPoints.map((e) => path.join(ROOT, e)),
      compilerOptions(pkg),
    );
    const checker = program.getTypeChecker();
    return entryPoints.flatMap((entry) => {
      const module = checker.getSymbolAtLocation(program.getSourceFile(path.join(ROOT, entry))!)!;
      return checker.getExportsOfModule(module).map((exported) => {
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        const file = path.relative(ROOT, symbol.declarations![0]!.getSourceFile().fileName);
        const examples = symbol
          .getJsDocTags(checker)
          .filter((t) => t.name === "example")
          .map(tagText);
        return { pkg, entry, name: exported.name, file, examples };
      });
    });
  });
}

/** Every fenced `@example` in a package's source and in the source it re-exports (exports and their members), with where it is. */
function sourceExamples(pkg: ApiPackage): { where: string; lang: string; code: string }[] {
  return SOURCES[pkg].flatMap((src) => folderExamples(src));
}

function folderExamples(src: string): { where: string; lang: string; code: string }[] {
  const dir = path.join(ROOT, src);
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter(
    (f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && !/^(testing|core\/testPopup|react\/testRender)/.test(f.replace(/\\/g, "/")),
  );
  return files.flatMap((f) => {
    const text = readFileSync(path.join(dir, f), "utf8");
    return [...text.matchAll(/\/\*\*[\s\S]*?\*\//g)].flatMap((comment) => {
      const body = comment[0]
        .split("\n")
        .map((l) => l.replace(/^\s*\/?\*\*?\/?\s?/, ""))
        .join("\n");
      const line = text.slice(0, comment.index).split("\n").length;
      const example = body
        .split(/^@example\b/m)
        .slice(1)
        .map((part) => part.split(/^@\w+/m)[0]!);
      return example.flatMap((e) => fencedBlocks(e)).map((b) => ({ where: `${src}/${f}:${line}`, ...b }));
    });
  });
}

let tmp: string | undefined;
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("package reference", () => {
  const exports = publicExports();

  it("every export of the packages, re-exported ones from @ads-connect/shared included, has a JSDoc @example with a ```ts or ```tsx block", () => {
    expect(exports.length).toBeGreaterThan(20);
    expect(exports.filter((e) => e.file.startsWith("packages/shared/src/")).length).toBeGreaterThan(100);
    const missing = exports.filter((e) => !e.examples.some((x) => fencedBlocks(x).length > 0)).map((e) => `${e.entry}: ${e.name} (${e.file})`);
    expect(missing, "add a JSDoc @example with a fenced ```ts block to these exports, then run pnpm docs:api").toEqual([]);
  });

  it("what the packages export without declaring it comes from @ads-connect/shared", () => {
    const foreign = exports.filter((e) => !e.file.startsWith(`packages/${e.pkg}/`) && !e.file.startsWith("packages/shared/src/"));
    expect(foreign.map((e) => `${e.entry}: ${e.name} (${e.file})`)).toEqual([]);
  });

  it.each(PACKAGES)("the @example blocks of %s type-check against its source", (pkg) => {
    const examples = sourceExamples(pkg);
    expect(examples.length).toBeGreaterThan(5);
    // Virtual modules beside the package's source, so `react` and the package's `type: module` resolve as they do there.
    const virtual = new Map<string, string>([[path.join(ROOT, "packages", pkg, "src", "__examples__", "placeholders.d.ts"), PLACEHOLDERS]]);
    const names = new Map<string, string>();
    examples.forEach((e, i) => {
      const file = path.join(ROOT, "packages", pkg, "src", "__examples__", `example${i}.${e.lang}`);
      // `export {}` makes every block a module (top-level await, its own scope) even without imports.
      virtual.set(file, `${e.code}\nexport {};\n`);
      names.set(file, e.where);
    });
    const options = compilerOptions(pkg);
    const host = ts.createCompilerHost(options);
    const { fileExists, readFile, getSourceFile } = host;
    host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
    host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
    host.getSourceFile = (f, lang, ...rest) => (virtual.has(f) ? ts.createSourceFile(f, virtual.get(f)!, lang) : getSourceFile.call(host, f, lang, ...rest));
    const program = ts.createProgram([...virtual.keys()], options, host);
    const errors = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && virtual.has(d.file.fileName))
      .map(
        (d) =>
          `${names.get(d.file!.fileName) ?? "placeholders"} (example line ${d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}): ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
      );
    expect(errors).toEqual([]);
  });

  it("every export's name appears in the checked-in reference", () => {
    for (const pkg of PACKAGES) {
      const dir = path.join(ROOT, referenceDir(pkg));
      const text = readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".md"))
        .map((f) => readFileSync(path.join(dir, f), "utf8"))
        .join("\n");
      const absent = exports.filter((e) => e.pkg === pkg && !text.includes(e.name)).map((e) => e.name);
      expect(absent, `${referenceDir(pkg)} lacks these exports: run pnpm docs:api`).toEqual([]);
    }
  });

  it.each(PACKAGES)(
    "docs/reference/%s matches a fresh generation (pnpm docs:api)",
    async (pkg) => {
      tmp ??= mkdtempSync(path.join(tmpdir(), "ads-connect-api-reference-"));
      const fresh = path.join(tmp, pkg);
      await generateApiReference(pkg, fresh);
      const checkedIn = path.join(ROOT, referenceDir(pkg));
      const list = (dir: string) =>
        readdirSync(dir, { recursive: true, encoding: "utf8" })
          .filter((f) => f.endsWith(".md"))
          .sort();
      expect(list(checkedIn), `${referenceDir(pkg)} has other pages than the code gives: run pnpm docs:api and commit the result`).toEqual(list(fresh));
      const differing = list(fresh).filter((f) => readFileSync(path.join(fresh, f), "utf8") !== readFileSync(path.join(checkedIn, f), "utf8"));
      expect(differing, `these pages of ${referenceDir(pkg)} differ from the code: run pnpm docs:api and commit the result`).toEqual([]);
    },
    120_000,
  );

  it("docs/reference/README.md links each package's reference and the other references", () => {
    const index = readFileSync(path.join(ROOT, "docs/reference/README.md"), "utf8");
    for (const target of ["widget/README.md", "node/README.md", "configuration.md", "errors.md", "openapi.json"]) expect(index).toContain(`](${target})`);
  });
});
